import Negotiator from 'negotiator'
import { remembered } from './remembered.js'

// Browsers send a handful of Accept values, each some hundred characters.
const REMEMBERED_VALUES = 256
const REMEMBERED_LENGTH = 1024

/**
 * Picks, for an Accept header (RFC 9110 12.5.1), the one of `types` the
 * client prefers, the first of them when it states no preference, or
 * undefined when it accepts none of them.
 */
export function createMediaTypeChooser (types: readonly string[]): (accept: string | undefined) => string | undefined {
  const choose = (accept: string | undefined): string | undefined => new Negotiator({ headers: { accept } }).mediaType(types)
  const chooseRemembered = remembered(choose, REMEMBERED_VALUES)
  return accept => accept === undefined || accept.length > REMEMBERED_LENGTH ? choose(accept) : chooseRemembered(accept)
}
