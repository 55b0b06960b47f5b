import Negotiator from 'negotiator'
import { boundedMemo } from '../bounded-memo.ts'

// Browsers send a handful of Accept values, each some hundred characters.
const REMEMBERED = { entries: 256, longestKey: 1024 }

/**
 * Picks, for an Accept header (RFC 9110 12.5.1), the one of `types` the
 * client prefers, the first of them when it states no preference, or
 * undefined when it accepts none of them.
 */
export function createMediaTypeChooser (types: readonly string[]): (accept: string | undefined) => string | undefined {
  const choose = boundedMemo((accept: string) => new Negotiator({ headers: { accept } }).mediaType(types), REMEMBERED)
  // No Accept header means any type (RFC 9110 12.5.1).
  return accept => choose(accept ?? '*/*')
}
