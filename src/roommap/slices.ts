import { setImmediate as nextTurn } from 'node:timers/promises'

/** How long a parse runs before it lets the event loop turn. */
const SLICE_MS = 5
// The clock is read once per this many steps: reading it per row would cost more than the row.
const STEPS_PER_CHECK = 64

/**
 * Cuts a long computation into slices of about {@link SLICE_MS}, so that a
 * map read while the service runs (a reload) leaves the event loop free to
 * serve requests between slices instead of holding them for the whole read:
 * `if (slicer.due()) await slicer.pause()` at each step, a step being a
 * row or other work of a few microseconds.
 */
export class Slicer {
  private steps = 0
  private started = performance.now()

  /** Whether the current slice is used up. */
  due (): boolean {
    if (++this.steps < STEPS_PER_CHECK) return false
    this.steps = 0
    return performance.now() - this.started >= SLICE_MS
  }

  /** Lets the event loop turn (timers, I/O, requests), then starts a new slice. */
  async pause (): Promise<void> {
    await nextTurn()
    this.started = performance.now()
  }
}
