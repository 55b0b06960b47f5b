// Where a room map comes from, a file or a URL: the one place that tells them apart. The URL's
// code (undici) is loaded only for a URL, as the getserverinfo client is only for a source.
import type { RoomMapFetcherOptions } from './fetch.ts'
import {
  createRoomMapFileSource, readRoomMapFile, type LoadedRoomMap, type ReloadOutcome, type RoomMapSource,
  type RoomMapSourceLogger
} from './loader.ts'
import { shownUrl } from '../quote.ts'

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

/** The location as messages show it: a file's path, a URL without its query. */
export function shownLocation (location: RoomMapLocation): string {
  return typeof location === 'string' ? location : shownUrl(location)
}

/** The room map kept in memory: a file watched, or a URL asked every `refreshMs`. */
export async function createRoomMapSource (settings: RoomMapSourceSettings): Promise<RoomMapSource> {
  const { location, ...rest } = settings
  if (typeof location === 'string') return createRoomMapFileSource({ path: location, ...rest })
  const { createRoomMapUrlSource } = await import('./url-source.ts')
  return createRoomMapUrlSource({ url: location, ...rest })
}

/** One read of the map, as the service's first load would make it (but not retried); throws a RoomMapError. */
export async function readRoomMap (location: RoomMapLocation, options: RoomMapFetcherOptions): Promise<LoadedRoomMap> {
  if (typeof location === 'string') return readRoomMapFile(location, options)
  const fetcher = (await import('./fetch.ts')).createRoomMapFetcher(location, options)
  try {
    const fetched = await fetcher.fetch()
    if ('invalid' in fetched) throw fetched.invalid
    return fetched.loaded
  } finally {
    await fetcher.close()
  }
}
