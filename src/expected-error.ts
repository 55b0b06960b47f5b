/**
 * `error` when it is an instance of one of `kinds`, the kinds a call is known
 * to throw; anything else is thrown on, so that a bug is never taken for a
 * reader's or an administrator's mistake.
 */
export function expectedError<E extends Error> (error: unknown, ...kinds: (abstract new (...args: never[]) => E)[]): E {
  if (kinds.some(kind => error instanceof kind)) return error as E
  throw error
}
