import { boundedMemo } from '../bounded-memo.ts'

/**
 * The reader's language for `clientlang` (MS-OCGCWEB 2.2.1), negotiated as
 * docs/design.md "Language" says: an explicit choice, then Accept-Language
 * (RFC 9110 12.5.4), then the configured default.
 */

/** The Lync 2013 / Skype for Business client UI languages (docs/design.md "Language"). */
export const DEFAULT_LANGUAGES: readonly string[] = [
  'ar-SA', 'bg-BG', 'ca-ES', 'cs-CZ', 'da-DK', 'de-DE', 'el-GR', 'en-US', 'es-ES', 'et-EE',
  'eu-ES', 'fi-FI', 'fr-FR', 'gl-ES', 'he-IL', 'hi-IN', 'hr-HR', 'hu-HU', 'id-ID', 'it-IT',
  'ja-JP', 'kk-KZ', 'ko-KR', 'lt-LT', 'lv-LV', 'ms-MY', 'nb-NO', 'nl-NL', 'pl-PL', 'pt-BR',
  'pt-PT', 'ro-RO', 'ru-RU', 'sk-SK', 'sl-SI', 'sv-SE', 'th-TH', 'tr-TR', 'uk-UA', 'vi-VN',
  'zh-CN', 'zh-TW'
]

export interface LanguagePolicy {
  /** Canonical `<language>-<REGION>` values, in the administrator's order. */
  readonly supported: readonly string[]
  /** One of `supported`. */
  readonly defaultLanguage: string
}

/**
 * Picks the clientlang for a request: `explicit` is the `lang` query
 * parameter; `fallback` (a legacy link's own clientlang) counts only when
 * neither it nor Accept-Language names a supported language.
 */
export type LanguageNegotiator = (
  explicit: string | undefined, acceptLanguage: string | undefined, fallback?: string
) => string

// Bounds on the work one header can cause (RFC 9110 sets none).
const MAX_HEADER_LENGTH = 4096
const MAX_RANGES = 64
// Which Accept-Language values are remembered: real traffic has a few hundred
// distinct ones, each well under 1 KiB; a flood of unique or huge values is
// computed, not kept.
const REMEMBERED = { entries: 2000, longestKey: 1024 }
// RFC 4647 language-range: "*" or 1*8ALPHA *("-" 1*8alphanum).
const LANGUAGE_RANGE = /^(?:\*|[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$/
// RFC 9110 12.4.2 qvalue.
const QVALUE = /^[qQ]=(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/
// Macrolanguage codes browsers send for a language the list names otherwise.
const LANGUAGE_ALIASES: Readonly<Record<string, string>> = { no: 'nb' }

interface Weighted { readonly range: string, readonly q: number }

/**
 * RFC 9110 12.5.4: the language ranges of an Accept-Language value, most
 * preferred first (ties keep their order), without those of weight 0.
 * Malformed parts are skipped; the result never has more than 64 ranges.
 */
export function parseAcceptLanguage (header: string): string[] {
  const text = header.length > MAX_HEADER_LENGTH ? header.slice(0, header.lastIndexOf(',', MAX_HEADER_LENGTH)) : header
  const weighted: Weighted[] = []
  for (const part of text.split(',', MAX_RANGES)) {
    const [rangeText, ...params] = part.split(';')
    const range = (rangeText as string).trim()
    const q = weightOf(params)
    if (q > 0 && LANGUAGE_RANGE.test(range)) weighted.push({ range, q })
  }
  // Array#sort is stable, so equal weights keep the client's order.
  return weighted.sort((a, b) => b.q - a.q).map(w => w.range)
}

/** The q parameter's value, 1 when absent, -1 when malformed. */
function weightOf (params: readonly string[]): number {
  let q = 1
  for (const param of params) {
    const trimmed = param.trim()
    if (!/^q\s*=/i.test(trimmed)) continue
    const compact = trimmed.replace(/\s+/g, '')
    if (!QVALUE.test(compact)) return -1
    q = Number(compact.slice(2))
  }
  return q
}

interface Candidate {
  readonly tag: string
  readonly region: string | undefined
  readonly script: string | undefined
}

/**
 * Builds the negotiator once per configuration: the supported list is indexed
 * here so that a request costs a map lookup for any header seen before.
 */
export function createLanguageNegotiator (policy: LanguagePolicy): LanguageNegotiator {
  const matchRange = createRangeMatcher(policy)
  // A link's ?lang= comes again and again, as headers do.
  const matchExplicit = explicitMatcher(boundedMemo(matchRange, REMEMBERED))

  // What an Accept-Language value matched; null: nothing supported.
  const negotiate = boundedMemo((acceptLanguage: string): string | null => {
    for (const range of parseAcceptLanguage(acceptLanguage)) {
      const match = matchRange(range)
      if (match !== undefined) return match
    }
    return null
  }, REMEMBERED)

  const fromHeader = (acceptLanguage: string | undefined): string | null =>
    acceptLanguage === undefined || acceptLanguage === '' ? null : negotiate(acceptLanguage)

  return (explicit, acceptLanguage, fallback) =>
    matchExplicit(explicit) ?? fromHeader(acceptLanguage) ?? matchExplicit(fallback) ?? policy.defaultLanguage
}

/**
 * What one explicit choice (the `lang` query parameter, the command line's
 * `--lang`) names among the supported languages, as a request's `lang` is
 * matched: `de` or `DE-de` is de-DE; undefined when it names none.
 */
export function createLanguageMatcher (policy: LanguagePolicy): (value: string) => string | undefined {
  return explicitMatcher(createRangeMatcher(policy))
}

function explicitMatcher (matchRange: (range: string) => string | undefined) {
  return (value: string | undefined): string | undefined =>
    value === undefined || !LANGUAGE_RANGE.test(value) ? undefined : matchRange(value)
}

/**
 * One range against the supported list: `*` is the default language; then an
 * exact match; then the same language, preferring the range's script and
 * region (or their likely values, CLDR via Intl.Locale#maximize), then the
 * language's likely region, then the first listed.
 */
function createRangeMatcher (policy: LanguagePolicy): (range: string) => string | undefined {
  const exact = new Map<string, string>()
  const byLanguage = new Map<string, Candidate[]>()
  // Each supported language's likely region, the fallback among its candidates.
  const likelyRegions = new Map<string, string | undefined>()
  for (const tag of policy.supported) {
    exact.set(tag.toLowerCase(), tag)
    const locale = new Intl.Locale(tag)
    const candidates = byLanguage.get(locale.language) ?? []
    candidates.push({ tag, region: locale.region, script: locale.maximize().script })
    byLanguage.set(locale.language, candidates)
    likelyRegions.set(locale.language, new Intl.Locale(locale.language).maximize().region)
  }

  return range => {
    if (range === '*') return policy.defaultLanguage
    const exactMatch = exact.get(range.toLowerCase())
    if (exactMatch !== undefined) return exactMatch
    let locale: Intl.Locale
    try {
      locale = new Intl.Locale(range)
    } catch {
      return undefined // well-formed per RFC 4647 but not a BCP 47 tag, e.g. "i-klingon"
    }
    const language = LANGUAGE_ALIASES[locale.language] ?? locale.language
    const candidates = byLanguage.get(language)
    if (candidates === undefined) return undefined
    const likely = locale.maximize()
    const sameScript = candidates.filter(c => c.script === likely.script)
    const pool = sameScript.length > 0 ? sameScript : candidates
    const best = pool.find(c => c.region === likely.region) ??
      pool.find(c => c.region === likelyRegions.get(language)) ?? pool[0]
    return (best as Candidate).tag
  }
}
