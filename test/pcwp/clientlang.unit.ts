import t from 'tap'
import { canonicalClientLang, parseClientLang, ClientLangError } from '../../src/pcwp/index.ts'

t.test('clientlang is <language>-<REGION> (MS-OCGCWEB 2.2.1)', async t => {
  const cases: [string, string][] = [
    ['en-US', 'en-US'],
    ['de-DE', 'de-DE'],
    ['de-de', 'de-DE'],
    ['DE-de', 'de-DE'],
    ['pt_BR', 'pt-BR'],
    ['fil-PH', 'fil-PH'],
    ['haw-us', 'haw-US']
  ]
  for (const [input, expected] of cases) {
    t.equal(canonicalClientLang(input), expected, input)
    t.equal(parseClientLang(input), expected, input)
  }
})

t.test('anything else is refused', async t => {
  const cases = ['', 'en', 'english', 'e-US', 'engl-US', 'en-USA', 'en-1', 'zh-Hant-TW', 'en-US-x',
    'en--US', 'en US', ' en-US', 'en-US\r\n', 'ен-US', 'en-419', '*', 'x'.repeat(1000)]
  for (const input of cases) {
    const label = JSON.stringify(input.slice(0, 40))
    t.equal(canonicalClientLang(input), undefined, label)
    t.throws(() => parseClientLang(input), { name: 'ClientLangError', code: 'PCWP_CLIENTLANG_INVALID', message: /<language>-<REGION>/ }, label)
  }
  t.ok(new ClientLangError('PCWP_CLIENTLANG_INVALID', 'x') instanceof Error)
})
