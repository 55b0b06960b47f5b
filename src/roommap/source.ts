// Where a room map comes from, a file or a URL: the one place that tells them apart.
import { createRoomMapFetcher, type RoomMapFetcherOptions } from './fetch.ts'
import {
  createRoomMapFileSource, readRoomMapFile, type LoadedRoomMap, type ReloadOutcome, type RoomMapSource,
  type RoomMapSourceLogger
} from './loader.ts'
import { createRoomMapUrlSource } from './url-source.ts'

/** A file's path (`.csv` or `.json`), or an `https:` (allowed `http:`) URL, both as configuration validated them. */
export type RoomMapLocation = string | URL

export interface RoomMapSourceSettings extends RoomMapFetcherOptions {
  readonly location: RoomMapLocation
  /** A URL: how often it is asked whether the map changed. */
  readonly refreshMs: number
  /** A URL: how long load() retries it while it is unreachable. */
  readonly startTimeoutMs: number
  readonly logger: RoomMapSourceLogger
  readonly onReload?: (outcome: ReloadOutcome) => void
}

/** The room map kept in memory: a file watched, or a URL asked every `refreshMs`. */
export function createRoomMapSource (settings: RoomMapSourceSettings): RoomMapSource {
  const { location, ...rest } = settings
  return typeof location === 'string'
    ? createRoomMapFileSource({ path: location, ...rest })
    : createRoomMapUrlSource({ url: location, ...rest })
}

/** One read of the map, as the service's first load would make it (but not retried); throws a RoomMapError. */
export async function readRoomMap (location: RoomMapLocation, options: RoomMapFetcherOptions): Promise<LoadedRoomMap> {
  if (typeof location === 'string') return readRoomMapFile(location, options)
  const fetcher = createRoomMapFetcher(location, options)
  try {
    const fetched = await fetcher.fetch()
    if ('invalid' in fetched) throw fetched.invalid
    return fetched.loaded
  } finally {
    await fetcher.close()
  }
}
