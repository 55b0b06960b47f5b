/**
 * One thing wrong with a room map: where (the CSV physical line a record
 * starts on, or the JSON array index), which field, and what is expected.
 * Messages never repeat more than a short excerpt of the input.
 */
export interface RoomMapProblem {
  readonly line?: number
  readonly index?: number
  readonly field?: string
  readonly message: string
}

export type RoomMapErrorCode =
  /** The file was read, and its content is not a valid room map. */
  | 'PCWP_ROOM_MAP_INVALID'
  /** The file could not be read (missing, not permitted, a directory, larger than a map can be). */
  | 'PCWP_ROOM_MAP_UNREADABLE'
  /** A map URL gave no map (network, TLS, time limit, size, HTTP status, not a map's media type): worth retrying. */
  | 'PCWP_ROOM_MAP_UNREACHABLE'

// An operator fixes a map top down; past this many lines, a count says the rest.
const MAX_LISTED_PROBLEMS = 50

/** A room map was rejected whole; `problems` lists every reason found. */
export class RoomMapError extends Error {
  readonly code: RoomMapErrorCode
  readonly problems: readonly RoomMapProblem[]

  constructor (
    problems: readonly RoomMapProblem[], code: RoomMapErrorCode = 'PCWP_ROOM_MAP_INVALID', source = 'the room map'
  ) {
    const count = problems.length === 1 ? '1 problem' : `${String(problems.length)} problems`
    super(`${code}: ${source}: ${count}\n${formatProblems(problems)}`)
    this.name = 'RoomMapError'
    this.code = code
    this.problems = problems
  }
}

/** One line per problem, at most `max`, then `… and N more`. */
export function formatProblems (problems: readonly RoomMapProblem[], max = MAX_LISTED_PROBLEMS): string {
  const lines = problems.slice(0, max).map(formatProblem)
  if (problems.length > max) lines.push(`… and ${String(problems.length - max)} more`)
  return lines.join('\n')
}

/** `line 12, target: expected …`, `index 3, room: …`, or the message alone. */
export function formatProblem (problem: RoomMapProblem): string {
  const where: string[] = []
  if (problem.line !== undefined) where.push(`line ${String(problem.line)}`)
  if (problem.index !== undefined) where.push(`index ${String(problem.index)}`)
  if (problem.field !== undefined) where.push(problem.field)
  return where.length === 0 ? problem.message : `${where.join(', ')}: ${problem.message}`
}

/** `CODE: first problem`: what /readyz and the log say of a map that was refused or not had. */
export function summaryOf (error: RoomMapError): string {
  return `${error.code}: ${formatProblem(error.problems[0] as RoomMapProblem)}`
}
