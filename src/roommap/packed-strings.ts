import { Column } from './columns.ts'

/** The number of no string: a row without a name or note. */
export const NO_STRING = 0

const INITIAL_BYTES = 64 * 1024

/** Strings packed as UTF-8 into one buffer, each read back by its number. */
export interface PackedStrings {
  get: (number: number) => string
}

/**
 * Packs strings one after the other into a buffer (off the JS heap: no
 * object per string for the collector to mark), numbered from 1 so that
 * {@link NO_STRING} stays free. A string is decoded again when it is read.
 */
export class StringPacker {
  private bytes = Buffer.allocUnsafeSlow(INITIAL_BYTES)
  private used = 0
  // ends[n] is where string n ends and string n + 1 starts.
  private readonly ends = new Column(size => new Uint32Array(size))

  constructor () {
    this.ends.push(0)
  }

  /** Appends a string; returns its number. */
  add (value: string): number {
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const needed = this.used + value.length * 3
    if (needed > this.bytes.length) {
      const larger = Buffer.allocUnsafeSlow(Math.max(needed, this.bytes.length * 2))
      this.bytes.copy(larger, 0, 0, this.used)
      this.bytes = larger
    }
    this.used += this.bytes.write(value, this.used)
    return this.ends.push(this.used)
  }

  /** The strings added, in a buffer of exactly their size. */
  finish (): PackedStrings {
    const bytes = Buffer.allocUnsafeSlow(this.used)
    this.bytes.copy(bytes, 0, 0, this.used)
    const ends = this.ends.finish()
    return { get: number => bytes.toString('utf8', ends[number - 1], ends[number]) }
  }
}
