/**
 * A map row as read from the file, before validation: where it is (the CSV
 * line its record starts on, or the JSON array index) and its fields as text.
 * A field the row does not have is undefined.
 */
export interface RawRow {
  readonly where: RowLocation
  readonly room: string | undefined
  readonly target: string | undefined
  readonly name: string | undefined
  readonly note: string | undefined
}

export type RowLocation = { readonly line: number } | { readonly index: number }

/** The columns (CSV) or keys (JSON) a row may have; others are ignored. */
export const ROW_FIELDS = ['room', 'target', 'name', 'note'] as const
export type RowField = typeof ROW_FIELDS[number]

/** Removes spaces and tabs around a value, in linear time whatever its length. */
export function trimBlanks (value: string): string {
  let start = 0
  let end = value.length
  while (start < end && isBlank(value.charCodeAt(start))) start++
  while (end > start && isBlank(value.charCodeAt(end - 1))) end--
  return start === 0 && end === value.length ? value : value.slice(start, end)
}

function isBlank (code: number): boolean {
  return code === 0x20 || code === 0x09
}

/**
 * A copy of `value` that shares no storage with the text it was cut from.
 * V8 keeps a substring as a view of its whole parent, so a map holding
 * slices of a file's text would keep all of that text alive. Concatenation
 * followed by slicing makes V8 flatten into a fresh string of this length.
 */
export function detach (value: string): string {
  return (value + ' ').slice(0, -1)
}
