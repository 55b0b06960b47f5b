const SHARDS = 16

/**
 * Rooms (canonical GUIDs) to their row numbers, kept in {@link SHARDS} maps
 * by the GUID's last hex digit. A Map grows by rehashing all its entries at
 * once: for a large room map that one step would hold the event loop far
 * longer than a parse's slice, where each of sixteen maps rehashes a
 * sixteenth of the rooms.
 */
export class RoomIndex {
  private readonly shards = Array.from({ length: SHARDS }, () => new Map<string, number>())

  get size (): number {
    return this.shards.reduce((total, shard) => total + shard.size, 0)
  }

  get (room: string): number | undefined {
    return this.shardOf(room).get(room)
  }

  set (room: string, row: number): void {
    this.shardOf(room).set(room, row)
  }

  /** Every room's row number. */
  * rows (): IterableIterator<number> {
    for (const shard of this.shards) yield * shard.values()
  }

  private shardOf (room: string): Map<string, number> {
    const code = room.charCodeAt(room.length - 1)
    // The value of a hex digit, either case; any other character still picks a shard.
    return this.shards[((code & 0x0f) + (code >> 6) * 9) & (SHARDS - 1)] as Map<string, number>
  }
}
