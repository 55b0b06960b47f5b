import t from 'tap'
import { createLanguageNegotiator, DEFAULT_LANGUAGES, parseAcceptLanguage } from '../../src/negotiate/language.ts'

t.test('Accept-Language parsing (RFC 9110 12.5.4, 12.4.2)', async t => {
  const cases: [string, string[]][] = [
    ['da, en-gb;q=0.8, en;q=0.7', ['da', 'en-gb', 'en']],
    ['en;q=0.7, en-gb;q=0.8, da', ['da', 'en-gb', 'en']],
    ['de-AT,de;q=0.9,en-US;q=0.8,en;q=0.7', ['de-AT', 'de', 'en-US', 'en']],
    ['fr;q=0.5, de;q=0.5, it', ['it', 'fr', 'de']],
    ['en, de;q=0', ['en'],],
    ['de;q=0.000, *;q=0.1', ['*']],
    ['*', ['*']],
    ['en;Q=0.5, fr', ['fr', 'en']],
    ['en; q = 0.5, fr', ['fr', 'en']],
    ['en;q=1.000, fr;q=1', ['en', 'fr']],
    ['en;level=1;q=0.4, fr;q=0.5', ['fr', 'en']],
    ['', []],
    [' , ,, ', []],
    ['en;q=2, fr;q=-1, de;q=0.1234, it;q=abc, es;q=, pt', ['pt']],
    ['en_US, fr-FR', ['fr-FR']],
    ['123, de-1996, zh-Hant-TW, x-private, sl-rozaj-biske', ['de-1996', 'zh-Hant-TW', 'x-private', 'sl-rozaj-biske']],
    ['abcdefghi, de', ['de']],
    ['en\u0000, "de", <script>, de-DE', ['de-DE']]
  ]
  for (const [header, expected] of cases) t.same(parseAcceptLanguage(header), expected, JSON.stringify(header))
})

t.test('huge headers cost bounded work', async t => {
  const hundred = Array.from({ length: 100 }, (_, i) => `${String.fromCharCode(97 + Math.floor(i / 26), 97 + i % 26)}-ab`)
  t.same(parseAcceptLanguage(hundred.join(', ')), hundred.slice(0, 64), 'the first 64 ranges are read, no more')
  const long = 'en-US,' + 'de;q=0.5,'.repeat(2000) + 'fr'
  const ranges = parseAcceptLanguage(long)
  t.equal(ranges[0], 'en-US')
  t.notOk(ranges.includes('fr'), 'ranges past the first 4096 characters are not read')
  t.same(parseAcceptLanguage('a'.repeat(10_000)), [], 'one oversized range is skipped')
})

t.test('matching against the supported list (MS-OCGCWEB 2.2.1, docs/design.md "Language")', async t => {
  const negotiate = createLanguageNegotiator({ supported: DEFAULT_LANGUAGES, defaultLanguage: 'en-US' })
  const cases: [string | undefined, string][] = [
    [undefined, 'en-US'],
    ['', 'en-US'],
    ['de-DE', 'de-DE'],
    ['DE-de', 'de-DE'],
    ['de', 'de-DE'],
    ['de-AT', 'de-DE'],
    ['de-CH;q=0.9, fr;q=0.8', 'de-DE'],
    ['zh-HK', 'zh-TW'],
    ['zh-Hant', 'zh-TW'],
    ['zh-MO', 'zh-TW'],
    ['zh', 'zh-CN'],
    ['zh-SG', 'zh-CN'],
    ['zh-Hans-HK', 'zh-CN'],
    ['pt', 'pt-BR'],
    ['pt-PT', 'pt-PT'],
    ['pt-pt', 'pt-PT'],
    ['pt-AO', 'pt-BR'],
    ['en-GB', 'en-US'],
    ['es-MX', 'es-ES'],
    ['iw', 'he-IL'],
    ['no', 'nb-NO'],
    ['nn-NO, no;q=0.9', 'nb-NO'],
    ['xx, fr-CA;q=0.9', 'fr-FR'],
    ['xx-YY, yy', 'en-US'],
    ['sw, *;q=0.5', 'en-US'],
    ['fr;q=0, *', 'en-US'],
    ['i-klingon, it', 'it-IT'],
    ['x-private, ja', 'ja-JP'],
    ['ko;q=0.1, nl;q=0.2', 'nl-NL']
  ]
  for (const [header, expected] of cases) t.equal(negotiate(undefined, header), expected, String(header))
  t.equal(negotiate(undefined, 'zh-HK'), 'zh-TW', 'a cached answer is the same answer')
})

t.test('an explicit lang parameter wins; an invalid one is ignored', async t => {
  const negotiate = createLanguageNegotiator({ supported: DEFAULT_LANGUAGES, defaultLanguage: 'en-US' })
  t.equal(negotiate('fr-FR', 'de-DE'), 'fr-FR')
  t.equal(negotiate('fr', 'de-DE'), 'fr-FR', 'language only')
  t.equal(negotiate('fr-be', 'de-DE'), 'fr-FR', 'another region of a supported language')
  t.equal(negotiate('klingon-xx-yy', 'de-DE'), 'de-DE', 'unsupported: Accept-Language decides')
  t.equal(negotiate('<script>', 'de-DE'), 'de-DE', 'malformed: ignored')
  t.equal(negotiate('', 'de-DE'), 'de-DE')
  t.equal(negotiate('x'.repeat(500), undefined), 'en-US')
})

t.test('a configured list and default', async t => {
  const negotiate = createLanguageNegotiator({
    supported: ['de-DE', 'de-AT', 'fr-CA', 'fr-FR'],
    defaultLanguage: 'fr-FR'
  })
  t.equal(negotiate(undefined, 'de-AT'), 'de-AT', 'exact match first')
  t.equal(negotiate(undefined, 'de-CH'), 'de-DE', "the language's likely region")
  t.equal(negotiate(undefined, 'de'), 'de-DE')
  t.equal(negotiate(undefined, 'fr-BE'), 'fr-FR')
  t.equal(negotiate(undefined, 'en'), 'fr-FR', 'the default')
  const first = createLanguageNegotiator({ supported: ['sr-RS', 'sr-ME'], defaultLanguage: 'sr-ME' })
  t.equal(first(undefined, 'sr-BA'), 'sr-RS', 'the same language in another region: the same script first')
  t.equal(first(undefined, 'sr-Latn-BA'), 'sr-ME', 'Latin script: the region that writes it')
  const otherScript = createLanguageNegotiator({ supported: ['sr-RS', 'en-US'], defaultLanguage: 'en-US' })
  t.equal(otherScript(undefined, 'sr-Latn'), 'sr-RS', 'the language in another script beats the default')
  const scripts = createLanguageNegotiator({ supported: ['en-US', 'uz-UZ', 'uz-AF'], defaultLanguage: 'en-US' })
  t.equal(scripts(undefined, 'uz-Arab'), 'uz-AF', 'the script decides between regions')
  const noRegion = createLanguageNegotiator({ supported: ['ca-AD', 'ca-FR'], defaultLanguage: 'ca-FR' })
  t.equal(noRegion(undefined, 'ca'), 'ca-AD', "none in the language's likely region: the first listed")
})

t.test('a flood of distinct headers keeps answering correctly past the cache size', async t => {
  const negotiate = createLanguageNegotiator({ supported: DEFAULT_LANGUAGES, defaultLanguage: 'en-US' })
  for (let i = 0; i < 5000; i++) negotiate(undefined, `de-DE;q=0.${String(i).padStart(4, '0').slice(0, 3)}, x${String(i)}`)
  t.equal(negotiate(undefined, 'fr-CA'), 'fr-FR')
  t.equal(negotiate(undefined, 'de-DE;q=0.000, x0'), 'en-US')
})
