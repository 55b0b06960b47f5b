// src/report/instant.ts: --since and --until as ISO 8601, UTC unless an offset is given.
import t from 'tap'
import { parseInstant } from '../../src/report/instant.ts'

t.test('dates and times, UTC unless an offset is given', async t => {
  const cases: [string, string][] = [
    ['2026-03-01', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T08:30', '2026-03-01T08:30:00.000Z'],
    ['2026-03-01 08:30:15', '2026-03-01T08:30:15.000Z'],
    ['2026-03-01T08:30:15.5', '2026-03-01T08:30:15.500Z'],
    ['2026-03-01T08:30:15.123456789Z', '2026-03-01T08:30:15.123Z'],
    ['2026-03-01T08:30z', '2026-03-01T08:30:00.000Z'],
    ['2026-03-01T08:30+01:00', '2026-03-01T07:30:00.000Z'],
    ['2026-03-01T08:30-0530', '2026-03-01T14:00:00.000Z'],
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z']
  ]
  for (const [text, expected] of cases) t.equal(parseInstant(text, '--since').toISOString(), expected, text)
})

const USAGE = { name: 'ReportUsageError', code: 'REPORT_DATE_INVALID', message: '--until needs an ISO 8601 date or time, for example 2026-03-01, 2026-03-01T08:00 (UTC) or 2026-03-01T08:00+01:00' }

t.test('anything else is a usage error naming the option', async t => {
  for (const text of [
    '', 'yesterday', '2026-3-1', '2026-02-30', '2025-02-29', '2026-13-01', '2026-03-01T24:00', '2026-03-01T08:60',
    '2026-03-01T08:30:60', '2026-03-01T08', '2026-03-01T08:30+24:00', '2026-03-01T08:30+01:60', '2026-03-01T08:30 Z',
    '1772323200000', '2026-03-01\n'
  ]) {
    t.throws(() => parseInstant(text, '--until'), USAGE, JSON.stringify(text))
  }
})
