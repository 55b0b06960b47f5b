/**
 * A URL path in the form paths are compared in: lower case (a room management
 * application's paths match case-insensitively, as IIS serves them) and
 * without one trailing slash (`/PersistentChat/RM/` is `/persistentchat/rm`).
 * Legacy room paths, the service's own routes and a redirect's target are
 * all compared so.
 */
export function normalisePath (path: string): string {
  return (path.endsWith('/') ? path.slice(0, -1) : path).toLowerCase()
}
