import { expectedError } from '../expected-error.ts'
import { formatProblems, RoomMapError } from './errors.ts'
import { readRoomMapFile, type RoomMapFileOptions } from './loader.ts'

/**
 * `pcwp-links map check FILE`: reads and validates a map as the service
 * would, and says what it holds (rooms, moved rooms per target host,
 * retired, pcwp, what `*` and `new` give) or every problem (at most 50
 * listed, then a count). `ok` is false for an unreadable or invalid file.
 */
export async function checkRoomMapFile (
  path: string, options: RoomMapFileOptions
): Promise<{ ok: boolean, text: string }> {
  try {
    const { map } = await readRoomMapFile(path, options)
    const summary = map.summary()
    const lines = [
      `${path}: valid`,
      `entries: ${summary.entries}`,
      `moved: ${summary.moved}`,
      ...summary.movedByHost.map(({ host, count }) => `  ${host}: ${count}`),
      `retired: ${summary.retired}`,
      `pcwp: ${summary.pcwp}`,
      `rooms without a row (*): ${summary.otherRooms}`,
      `new rooms (new): ${summary.newRooms}`
    ]
    return { ok: true, text: lines.join('\n') + '\n' }
  } catch (error) {
    const { code, problems } = expectedError(error, RoomMapError)
    const count = problems.length === 1 ? '1 error' : `${problems.length} errors`
    return { ok: false, text: `${path}: ${code === 'PCWP_ROOM_MAP_INVALID' ? 'invalid' : 'unreadable'}, ${count}\n${formatProblems(problems)}\n` }
  }
}
