import type { BaseUrl } from './base-url.ts'

/**
 * MS-OCGCWEB 3.1.3: where the reader signed on from. Inside the enterprise
 * network the client uses PersistentChatWebManagerUriInt, outside it
 * PersistentChatWebManagerUriExt.
 */
export type NetworkZone = 'internal' | 'external'

export const NETWORK_ZONES: readonly NetworkZone[] = ['internal', 'external']

/** The provisioned base URLs, one per zone; either may be missing. */
export type ProvisionedBaseUrls = Readonly<Partial<Record<NetworkZone, BaseUrl>>>

/**
 * MS-OCGCWEB 3.1.3 and 3.1.1: the base URL for a reader in `zone`.
 * The persistent chat server's getserverinfo override, when known, MUST be
 * used for every zone; otherwise the zone's provisioned URL. `undefined`
 * means room management is disabled for this reader: there is deliberately
 * no fallback to the other zone's URL, which may not be reachable from here.
 */
export function resolveBaseUrl (
  override: BaseUrl | undefined,
  provisioned: ProvisionedBaseUrls,
  zone: NetworkZone
): BaseUrl | undefined {
  return override ?? provisioned[zone]
}
