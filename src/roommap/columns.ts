type Values = Uint8Array | Uint32Array

const INITIAL_SIZE = 1024

/**
 * A typed array that grows as values are pushed: a map's rows are a few
 * such columns, each one object off the JS heap however many rows there
 * are, where an object per row would give the collector that many to mark.
 */
export class Column<T extends Values> {
  private values: T
  private count = 0
  private readonly create: (size: number) => T

  constructor (create: (size: number) => T) {
    this.create = create
    this.values = create(INITIAL_SIZE)
  }

  /** Appends a value; returns its position. */
  push (value: number): number {
    if (this.count === this.values.length) {
      const larger = this.create(this.count * 2)
      larger.set(this.values)
      this.values = larger
    }
    this.values[this.count] = value
    return this.count++
  }

  at (position: number): number {
    return this.values[position] as number
  }

  /** The values pushed, in an array of exactly their number. */
  finish (): T {
    return this.values.slice(0, this.count) as T
  }
}
