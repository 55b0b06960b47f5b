// src/log-destination.ts: log lines reach pino's destination in batches, and nothing is lost on flush.
import t from 'tap'
import { batchedDestination, type LineSink } from '../src/log-destination.js'

function recordingSink (withFlush: boolean): { sink: LineSink, chunks: string[], calls: string[] } {
  const chunks: string[] = []
  const calls: string[] = []
  const sink: LineSink = { write: chunk => chunks.push(chunk) }
  if (withFlush) {
    sink.flush = callback => { calls.push('flush'); callback?.() }
    sink.flushSync = () => { calls.push('flushSync') }
  }
  return { sink, chunks, calls }
}

const LINE = '{"level":30,"msg":"redirect"}\n'

t.test('lines are handed on as one string once a batch is full', async t => {
  const { sink, chunks } = recordingSink(true)
  const destination = batchedDestination(sink, { batchChars: LINE.length * 3, flushMs: 60_000 })
  t.equal(destination.write(LINE), true, 'never asks pino to wait')
  destination.write(LINE)
  t.same(chunks, [], 'nothing is written before the batch is full')
  destination.write(LINE)
  t.same(chunks, [LINE.repeat(3)], 'three lines, one write')
  destination.write(LINE)
  t.same(chunks, [LINE.repeat(3)])
})

t.test('flush hands on what has collected and flushes the sink', async t => {
  const { sink, chunks, calls } = recordingSink(true)
  const destination = batchedDestination(sink, { batchChars: 1 << 20, flushMs: 60_000 })
  destination.write(LINE)
  await new Promise<void>(resolve => { destination.flush(() => { resolve() }) })
  t.same(chunks, [LINE])
  t.same(calls, ['flush'])
  destination.flush()
  t.same(chunks, [LINE], 'an empty batch is not written')
  destination.write(LINE)
  destination.flushSync()
  t.same(chunks, [LINE, LINE])
  t.same(calls, ['flush', 'flush', 'flushSync'])
})

t.test('a sink without flush: the callback still runs', async t => {
  const { sink, chunks } = recordingSink(false)
  const destination = batchedDestination(sink, { batchChars: 1 << 20, flushMs: 60_000 })
  destination.write(LINE)
  await new Promise<void>(resolve => { destination.flush(() => { resolve() }) })
  destination.write(LINE)
  destination.flush()
  destination.write(LINE)
  destination.flushSync()
  t.same(chunks, [LINE, LINE, LINE])
})

t.test('a quiet log is still written within flushMs', async t => {
  const { sink, chunks } = recordingSink(true)
  const destination = batchedDestination(sink, { batchChars: 1 << 20, flushMs: 20 })
  destination.write(LINE)
  for (let waited = 0; chunks.length === 0 && waited < 5000; waited += 10) await new Promise(resolve => setTimeout(resolve, 10))
  t.same(chunks, [LINE])
})
