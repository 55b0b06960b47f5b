// The answer's media type from Accept (RFC 9110 12.5.1): error pages choose between HTML and JSON.
import t from 'tap'
import { createMediaTypeChooser } from '../../src/negotiate/media-type.ts'

const choose = createMediaTypeChooser(['text/html', 'application/json'])

t.test('the type the client prefers; the first when it states no preference; none when it accepts neither', async t => {
  const cases: [string | undefined, string | undefined][] = [
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'text/html'],
    ['application/json', 'application/json'],
    ['application/json, text/plain, */*', 'application/json'],
    ['text/html;q=0.5, application/json', 'application/json'],
    ['application/*', 'application/json'],
    ['*/*', 'text/html'],
    [undefined, 'text/html'],
    ['', undefined],
    ['image/png', undefined],
    ['application/json;q=0', undefined]
  ]
  for (const [accept, expected] of cases) {
    t.equal(choose(accept), expected, String(accept))
    t.equal(choose(accept), expected, `${String(accept)}, asked again`)
  }
})

t.test('a value too long to remember is still chosen from', async t => {
  const long = `${'x-unknown/type;q=0.1, '.repeat(100)}application/json`
  t.ok(long.length > 1024)
  t.equal(choose(long), 'application/json')
})
