// How what others wrote is shown in messages and logs: quoted, or, for a URL the
// service fetches, without its secrets.

// Nothing that could break or disguise a log line: controls (CR, LF, NUL…),
// format characters (bidi overrides), line and paragraph separators, lone surrogates.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu
// How many UTF-16 units are read per character shown: a value may be megabytes long.
const READ_PER_CHARACTER = 10

/**
 * A value fit to repeat in a message or a log line, whoever sent it: in
 * double quotes, with its unprintable characters (controls, format
 * characters, line and paragraph separators, lone surrogates) dropped, `"`
 * and `\` escaped with `\` (so the quotes end only where the value does),
 * and at most `length` characters (code points) of it, ending in `…` when
 * cut. Only the value's start is read.
 */
export function quote (value: string, length = 40): string {
  const start = value.slice(0, length * READ_PER_CHARACTER)
  const characters = Array.from(start.replace(UNPRINTABLE, ''))
  const cut = characters.length > length || start.length < value.length
  return `"${characters.slice(0, length).join('').replace(/["\\]/g, '\\$&')}${cut ? '…' : ''}"`
}

/** A URL as logs and /readyz may show it: without credentials, query or fragment (a signed URL's query is a secret). */
export function shownUrl (url: URL): string {
  return url.protocol === 'file:' ? url.href : `${url.origin}${url.pathname}`
}
