import type { BaseUrl } from '../pcwp/index.ts'

/** What /readyz and /metrics tell about the getserverinfo override. */
export interface OverrideState {
  /** Where the reply is fetched from, without credentials or query. */
  readonly source: string
  /** The override in force, or null: the provisioned URLs apply. */
  readonly url: string | null
  /** Seconds since the override in force was last confirmed by the upstream. */
  readonly ageSeconds: number | null
  /** When the last fetch finished, ISO 8601, or null before the first. */
  readonly lastFetchAt: string | null
  /**
   * Why the last fetch gave no override although it should have, as
   * `"CODE: reason"` in the service's own words (never upstream text): the
   * fetch failed, or the reply's URL was refused. Null otherwise.
   */
  readonly lastError: string | null
  /** The last reply named a roomManagementUrl that failed the checks. */
  readonly refused: boolean
}

/**
 * The request path's only view of the getserverinfo override (MS-OCGCWEB 3.1.3):
 * an in-memory read, never I/O.
 */
export interface OverrideSource {
  current: () => BaseUrl | undefined
  state: () => OverrideState
}
