// What a reader gets for a room link: the one decision behind the room
// routes, the link builder's preview and the command line (docs/design.md
// "Room links"). Pure: the callers bring the map's entry and the override.
import { resolveBaseUrl, type BaseUrl, type NetworkZone, type ProvisionedBaseUrls } from './pcwp/index.ts'
import { roomManagementUrl } from './pcwp/url.ts'
import { normalisePath } from './paths.ts'
import { fillTarget, type RoomMapEntry } from './roommap/index.ts'

// A Host header's explicit default port, which a URL's host leaves out.
const DEFAULT_PORT = /:(?:80|443)$/

export interface RoomQuestion {
  /** The room's canonical GUID; undefined asks to create a room. */
  readonly room: string | undefined
  readonly zone: NetworkZone
  readonly clientlang: string
  /** The page language, which fills a moved target's `{lang}`; a request's is worked out only when needed. */
  readonly pageLanguage: string | (() => string)
  /** The room map's word on the room (`pcwp` without a map). */
  readonly entry: RoomMapEntry
  /** The getserverinfo override in force, if any. */
  readonly override: BaseUrl | undefined
  readonly baseUrls: ProvisionedBaseUrls
  /** Where the link was asked (host with port, and path): an answer must not send the reader back there. */
  readonly askedAt?: { readonly host: string, readonly path: string }
}

export type RoomAnswer =
  /** A redirect: to the room management application (MS-OCGCWEB 2.2), or to the room's new home. */
  | { readonly kind: 'redirect', readonly outcome: 'pcwp' | 'moved', readonly location: string }
  /** 410 Gone, with the room's name and note when the map knows them. */
  | { readonly kind: 'retired', readonly name?: string, readonly note?: string }
  /** 503: no base URL for the reader's zone (MS-OCGCWEB 3.1.1); never the other zone's. */
  | { readonly kind: 'disabled' }
  /** 500: the answer would lead back to where it was asked, and no other base URL can answer (a misconfiguration). */
  | { readonly kind: 'loop', readonly outcome: 'pcwp' | 'moved' }

/** The room map decides first; a room it leaves to `pcwp` gets the zone's MS-OCGCWEB URL. */
export function answerRoomLink (
  question: RoomQuestion & { readonly askedAt?: undefined }
): Exclude<RoomAnswer, { kind: 'loop' }>
export function answerRoomLink (question: RoomQuestion): RoomAnswer
export function answerRoomLink (question: RoomQuestion): RoomAnswer {
  const { entry } = question
  if (entry.kind === 'retired') return entry
  if (entry.kind === 'moved') {
    const { pageLanguage } = question
    const lang = typeof pageLanguage === 'string' ? pageLanguage : pageLanguage()
    return redirect(question, 'moved', fillTarget(entry.target, question.room, lang))
  }
  const base = resolveBaseUrl(question.override, question.baseUrls, question.zone)
  if (base === undefined) return { kind: 'disabled' }
  const answer = redirect(question, 'pcwp', roomManagementUrl(base, question.clientlang, question.room))
  // An override naming the very address asked (the clients' RoomManagementUrl set to this service) is not
  // followed: the zone's configured base URL answers instead, when it has one.
  const provisioned = question.baseUrls[question.zone]
  if (answer.kind === 'loop' && provisioned !== undefined && provisioned !== base) {
    return redirect(question, 'pcwp', roomManagementUrl(provisioned, question.clientlang, question.room))
  }
  return answer
}

function redirect ({ askedAt }: RoomQuestion, outcome: 'pcwp' | 'moved', location: string): RoomAnswer {
  return askedAt !== undefined && leadsBack(location, askedAt)
    ? { kind: 'loop', outcome }
    : { kind: 'redirect', outcome, location }
}

/**
 * The location names the very host and path asked (compared as paths are compared); a relative one is on that
 * host.
 */
function leadsBack (location: string, askedAt: { readonly host: string, readonly path: string }): boolean {
  const absolute = URL.parse(location)
  const path = (absolute ?? new URL(location, 'http://relative.invalid')).pathname
  return (absolute === null || absolute.host === askedAt.host.toLowerCase().replace(DEFAULT_PORT, '')) &&
    normalisePath(path) === normalisePath(askedAt.path)
}
