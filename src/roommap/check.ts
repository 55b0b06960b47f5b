import { expectedError } from '../expected-error.ts'
import { formatProblems, RoomMapError, type RoomMapErrorCode } from './errors.ts'
import type { RoomMapFetcherOptions } from './fetch.ts'
import { readRoomMap, shownLocation, type RoomMapLocation } from './source.ts'

const VERDICTS: Readonly<Record<RoomMapErrorCode, string>> = {
  PCWP_ROOM_MAP_INVALID: 'invalid',
  PCWP_ROOM_MAP_UNREADABLE: 'unreadable',
  PCWP_ROOM_MAP_UNREACHABLE: 'unreachable'
}

/**
 * `pcwp-links map check FILE|URL`: reads and validates a map as the service
 * would, and says what it holds (rooms, moved rooms per target host,
 * retired, pcwp, what `*` and `new` give) or every problem (at most 50
 * listed, then a count). `error` is null for a valid map. A URL is named
 * without its query (a signed URL's is a secret).
 */
export async function checkRoomMap (
  location: RoomMapLocation, options: RoomMapFetcherOptions
): Promise<{ error: RoomMapErrorCode | null, text: string }> {
  const name = shownLocation(location)
  try {
    const { map } = await readRoomMap(location, options)
    const summary = map.summary()
    const lines = [
      `${name}: valid`,
      `entries: ${summary.entries}`,
      `moved: ${summary.moved}`,
      ...summary.movedByHost.map(({ host, count }) => `  ${host}: ${count}`),
      `retired: ${summary.retired}`,
      `pcwp: ${summary.pcwp}`,
      `rooms without a row (*): ${summary.otherRooms}`,
      `new rooms (new): ${summary.newRooms}`
    ]
    return { error: null, text: lines.join('\n') + '\n' }
  } catch (error) {
    const { code, problems } = expectedError(error, RoomMapError)
    const count = problems.length === 1 ? '1 error' : `${problems.length} errors`
    return { error: code, text: `${name}: ${VERDICTS[code]}, ${count}\n${formatProblems(problems)}\n` }
  }
}
