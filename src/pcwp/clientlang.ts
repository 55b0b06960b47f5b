import { ClientLangError } from './errors.ts'

// MS-OCGCWEB 2.2.1: clientlang is "<language>-<REGION>": a lowercase ISO 639 code
// and an uppercase ISO 3166 country/region code. ISO 639 codes have two or
// three letters; ISO 3166-1 alpha-2 regions have two. An underscore (en_US, as
// Java and POSIX write locales) is accepted on input and emitted as a hyphen.
const CLIENTLANG = /^[A-Za-z]{2,3}[-_][A-Za-z]{2}$/

/**
 * Returns `value` as a canonical clientlang (`de-de` → `de-DE`), or
 * `undefined` when it is not a `<language>-<REGION>` pair.
 */
export function canonicalClientLang (value: string): string | undefined {
  if (!CLIENTLANG.test(value)) return undefined
  // The region is always the last two characters, after the separator.
  const separator = value.length - 3
  return `${value.slice(0, separator).toLowerCase()}-${value.slice(separator + 1).toUpperCase()}`
}

/** Like {@link canonicalClientLang}, but throws a {@link ClientLangError}. */
export function parseClientLang (value: string): string {
  const canonical = canonicalClientLang(value)
  if (canonical === undefined) {
    throw new ClientLangError('PCWP_CLIENTLANG_INVALID', 'Not a client language: expected <language>-<REGION>, a 2 or 3 letter ISO 639 language and a 2 letter ISO 3166 region, for example en-US or de-DE.')
  }
  return canonical
}
