import t from 'tap'
import { parseBaseUrl, BaseUrlError } from '../../src/pcwp/index.ts'

t.test('valid bases are kept as configured and split for appending', async t => {
  t.same(parseBaseUrl('https://chat.example.com/PersistentChat/RM/'),
    { href: 'https://chat.example.com/PersistentChat/RM/', head: 'https://chat.example.com/PersistentChat/RM/?', fragment: '' })
  t.same(parseBaseUrl('https://h/rm/?tenant=a%20b#x'),
    { href: 'https://h/rm/?tenant=a%20b#x', head: 'https://h/rm/?tenant=a%20b&', fragment: '#x' })
  t.same(parseBaseUrl('http://example.com/rm/', { allowHttp: true }).head, 'http://example.com/rm/?',
    'http is accepted when allowed (MS-OCGCWEB 5.1 only recommends HTTPS)')
  t.equal(parseBaseUrl('https://h/rm/?identity=1').head, 'https://h/rm/?identity=1&', 'a parameter that merely starts with "id" is fine')
})

t.test('every rejection is a BaseUrlError with a stable code', async t => {
  const cases: [string, string, boolean?][] = [
    ['', 'PCWP_BASE_URL_CHARACTERS'],
    ['https://h/r m/', 'PCWP_BASE_URL_CHARACTERS'],
    [' https://h/rm/', 'PCWP_BASE_URL_CHARACTERS'],
    ['https://h/rm/\r\nX-Evil: 1', 'PCWP_BASE_URL_CHARACTERS'],
    ['https://h/rm/\u0000', 'PCWP_BASE_URL_CHARACTERS'],
    ['https://h\\@evil.example/', 'PCWP_BASE_URL_CHARACTERS'],
    ['https://bücher.example/rm/', 'PCWP_BASE_URL_CHARACTERS'],
    ['https://h/rm/"onmouseover=', 'PCWP_BASE_URL_CHARACTERS'],
    ['https://h/<script>', 'PCWP_BASE_URL_CHARACTERS'],
    ['/relative/rm/', 'PCWP_BASE_URL_NOT_ABSOLUTE'],
    ['//h/rm/', 'PCWP_BASE_URL_NOT_ABSOLUTE'],
    ['chat.example.com/rm/', 'PCWP_BASE_URL_NOT_ABSOLUTE'],
    ['https:chat.example.com/rm/', 'PCWP_BASE_URL_NOT_ABSOLUTE'],
    ['https:///chat.example.com/rm/', 'PCWP_BASE_URL_NOT_ABSOLUTE'],
    ['https://', 'PCWP_BASE_URL_NOT_ABSOLUTE'],
    ['https://h:99999/rm/', 'PCWP_BASE_URL_NOT_ABSOLUTE'],
    ['https://[::1/rm/', 'PCWP_BASE_URL_NOT_ABSOLUTE'],
    ['javascript:alert(1)', 'PCWP_BASE_URL_NOT_ABSOLUTE'],
    ['ftp://h/rm/', 'PCWP_BASE_URL_NOT_ABSOLUTE'],
    ['http://example.com/rm/', 'PCWP_BASE_URL_SCHEME'],
    ['http://example.com/rm/', 'PCWP_BASE_URL_SCHEME', false],
    ['https://user@h/rm/', 'PCWP_BASE_URL_CREDENTIALS'],
    ['https://user:secret@h/rm/', 'PCWP_BASE_URL_CREDENTIALS'],
    ['https://:secret@h/rm/', 'PCWP_BASE_URL_CREDENTIALS'],
    ['https://h/rm/?clientlang=en-US', 'PCWP_BASE_URL_RESERVED_PARAMETER'],
    ['https://h/rm/?a=1&id=x', 'PCWP_BASE_URL_RESERVED_PARAMETER'],
    ['https://h/rm/?ID', 'PCWP_BASE_URL_RESERVED_PARAMETER'],
    ['https://h/rm/?ClientLang=', 'PCWP_BASE_URL_RESERVED_PARAMETER'],
    ['https://h/rm/?%69d=1', 'PCWP_BASE_URL_RESERVED_PARAMETER']
  ]
  for (const [href, code, allowHttp] of cases) {
    const label = JSON.stringify(href)
    t.throws(() => parseBaseUrl(href, allowHttp === undefined ? {} : { allowHttp }),
      { name: 'BaseUrlError', code }, label)
  }
})

t.test('messages say what is expected and do not repeat the URL (it may hold secrets)', async t => {
  const error = t.throws(() => parseBaseUrl('https://user:hunter2@h/rm/'), { code: 'PCWP_BASE_URL_CREDENTIALS', message: /https:\/\// })
  t.type(error, BaseUrlError)
  t.notMatch(error instanceof Error ? error.message : '', /hunter2/, 'the password is not in the message')
  t.throws(() => parseBaseUrl('http://h/'), { message: /allow HTTP/ }, 'an http base says how to allow it')
  t.throws(() => parseBaseUrl('ftp://h/', { allowHttp: true }),
    { message: /https:\/\/ or http:\/\// }, 'with HTTP allowed the message names both schemes')
})
