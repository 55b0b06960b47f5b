import type { RoomMapProblem } from './errors.ts'
import { ROW_FIELDS, type RawRow, type RowField } from './rows.ts'
import type { Slicer } from './slices.ts'

const EXPECTED_FILE = 'expected a JSON array of objects {"room": …, "target": …, "name": …, "note": …}'

/**
 * Reads a room map in JSON: an array of objects whose `room`, `target` and
 * optional `name` and `note` are strings; other keys are ignored. Only own
 * properties are read, so a `__proto__` key is just an ignored key. The
 * rows are read in slices ({@link Slicer}), `onRow` included; the text is
 * parsed in one JSON.parse call, which holds the event loop for as long as
 * it takes: CSV suits large maps, JSON smaller ones.
 */
export async function readJsonRows (
  text: string, onRow: (row: RawRow) => void, problems: RoomMapProblem[], slicer: Slicer
): Promise<void> {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // JSON.parse's message quotes the input: it is not repeated.
    problems.push({ message: `not valid JSON (check brackets, commas and quotes); ${EXPECTED_FILE}` })
    return
  }
  if (!Array.isArray(parsed)) {
    problems.push({ message: EXPECTED_FILE })
    return
  }
  const entries: readonly unknown[] = parsed
  for (let index = 0; index < entries.length; index++) {
    if (slicer.due()) await slicer.pause()
    const entry = entries[index]
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ index, message: `expected an object {"room": …, "target": …}, found ${describe(entry)}` })
      continue
    }
    const values = new Map<string, string | undefined>()
    for (const name of ROW_FIELDS) {
      const value: unknown = Object.hasOwn(entry, name) ? (entry as Record<string, unknown>)[name] : undefined
      if (value === undefined || typeof value === 'string') values.set(name, value)
      else problems.push({ index, field: name, message: `expected a string, found ${describe(value)}` })
    }
    if (values.size === ROW_FIELDS.length) {
      const field = (name: RowField): string | undefined => values.get(name)
      const where = { index }
      onRow({ where, room: field('room'), target: field('target'), name: field('name'), note: field('note') })
    }
  }
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  return `a ${typeof value}`
}
