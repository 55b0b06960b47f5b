import type { FileHandle } from 'node:fs/promises'

const LF = 0x0a
/** The size of a read: a few thousand rows, small beside the map they become. */
const BLOCK_BYTES = 1024 * 1024

/**
 * The first `limit` bytes of a file in blocks that end at a line's end (the
 * last block excepted), read one after the other into one buffer: a block is
 * valid until the next is asked for. A line longer than the buffer (a file
 * whose lines end in CR alone, or none) makes it the file's size at once:
 * such a file is held whole, as it was before blocks, and copied only once.
 */
export async function * lineBlocks (handle: FileHandle, limit: number, blockBytes = BLOCK_BYTES): AsyncGenerator<Buffer> {
  let buffer: Buffer = Buffer.allocUnsafeSlow(Math.min(blockBytes, limit))
  // Bytes in the buffer (a line begun and not yet ended, then what was just read), and bytes read in all.
  let filled = 0
  let total = 0
  while (total < limit) {
    if (filled === buffer.length) buffer = grown(buffer, limit)
    const { bytesRead } = await handle.read(buffer, filled, Math.min(buffer.length - filled, limit - total), total)
    // A file cut short meanwhile is read as far as it goes; its changed identity has it read again.
    if (bytesRead === 0) break
    const searchFrom = filled
    filled += bytesRead
    total += bytesRead
    const lastLineEnd = buffer.lastIndexOf(LF, filled - 1)
    if (lastLineEnd < searchFrom) continue
    yield buffer.subarray(0, lastLineEnd + 1)
    filled = buffer.copy(buffer, 0, lastLineEnd + 1, filled)
  }
  if (filled > 0) yield buffer.subarray(0, filled)
}

function grown (buffer: Buffer, size: number): Buffer {
  const bigger = Buffer.allocUnsafeSlow(size)
  buffer.copy(bigger)
  return bigger
}
