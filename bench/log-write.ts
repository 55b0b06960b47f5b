// npm run bench:log-write: what one asynchronous write of a batch of log lines
// costs (CPU of all threads, per write and per line), for the batch sizes
// src/server.ts could use. Bounded: 2,000 writes per size, to a temp file.
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'

const WRITES = 2000
// A redirect's access line, as the service writes it.
const LINE = '{"level":30,"time":1795782053543,"pid":23071,"hostname":"vm","reqId":"req-1","method":"GET","url":"/rooms/61E092C7-89BB-4DC4-A3F5-8C23FA940FAB","status":302,"ms":0.05,"kind":"room","zone":"external","lang":"en-US","client":"203.0.113.9","msg":"redirect"}\n'
const dir = mkdtempSync(join(tmpdir(), 'pcwp-log-write-'))

console.log('batch KiB  lines  CPU µs/write  CPU µs/line')
for (const kib of [4, 16, 64, 256]) {
  const lines = Math.floor(kib * 1024 / LINE.length)
  const batch = LINE.repeat(lines)
  // pino's asynchronous destination (SonicBoom), as the service uses it.
  const destination = pino.destination({ dest: join(dir, `${String(kib)}.log`), sync: false })
  await once(destination, 'ready')
  const before = process.cpuUsage()
  for (let i = 0; i < WRITES; i++) {
    destination.write(batch)
    // One batch at a time, as the service hands them on: wait for this one to be written.
    await once(destination, 'drain')
  }
  const used = process.cpuUsage(before)
  const perWrite = (used.user + used.system) / WRITES
  console.log(`${String(kib).padStart(9)}  ${String(lines).padStart(5)}  ${perWrite.toFixed(1).padStart(12)}  ${(perWrite / lines).toFixed(2).padStart(11)}`)
  destination.end()
}
rmSync(dir, { recursive: true, force: true })
