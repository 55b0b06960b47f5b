/** The stable, machine-readable error codes, as in the JSON body's `error` (docs/design.md "Errors"). */
export const PROBLEM_CODES = [
  'PCWP_ROOM_ID_INVALID',
  'PCWP_ROOM_URI_INVALID',
  'PCWP_ROOM_URI_MISSING',
  'PCWP_ROOM_MANAGEMENT_DISABLED',
  'PCWP_ROOM_RETIRED',
  'PCWP_METHOD_NOT_ALLOWED',
  'PCWP_REDIRECT_LOOP',
  'NOT_FOUND',
  'RATE_LIMITED',
  'BAD_REQUEST',
  'INTERNAL_ERROR'
] as const

export type ProblemCode = typeof PROBLEM_CODES[number]
