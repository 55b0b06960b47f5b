import { setImmediate as nextTurn } from 'node:timers/promises'

/** How long a parse runs before it lets the event loop turn. */
const SLICE_MS = 5
// By default the clock is read once per this many steps: a step (a row) takes microseconds, a slice milliseconds.
const STEPS_PER_CHECK = 64

/**
 * Cuts a long computation into slices of about {@link SLICE_MS}, so that a
 * map read while the service runs (a reload) leaves the event loop free to
 * serve requests between slices instead of holding them for the whole read:
 * `if (slicer.due()) await slicer.pause()` at each step, a step being a
 * row or other work of a few microseconds, or with `stepsPerCheck` 1, a
 * larger piece of work (a chunk of a file).
 */
export class Slicer {
  private steps = 0
  private started = performance.now()
  private readonly stepsPerCheck: number

  constructor (stepsPerCheck = STEPS_PER_CHECK) {
    this.stepsPerCheck = stepsPerCheck
  }

  /** Whether the current slice is used up. */
  due (): boolean {
    if (++this.steps < this.stepsPerCheck) return false
    this.steps = 0
    return performance.now() - this.started >= SLICE_MS
  }

  /** Lets the event loop turn (timers, I/O, requests), then starts a new slice. */
  async pause (): Promise<void> {
    await nextTurn()
    this.started = performance.now()
  }
}
