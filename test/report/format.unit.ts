// src/report/format.ts: the report as an aligned table, RFC 4180 CSV and JSON.
import t from 'tap'
import { createReport, type Report } from '../../src/report/aggregate.ts'
import { csvRecord, formatReport } from '../../src/report/format.ts'
import { click, ROOM_A, ROOM_B, ROOM_C, T0 } from './fixtures/lines.ts'

function sample (): Report {
  const report = createReport({ since: new Date(T0), until: new Date(T0 + 86_400_000) })
  for (let i = 0; i < 12; i++) report.add(click(ROOM_A, T0 + i * 1000, { zone: i % 3 === 0 ? 'external' : 'internal' }))
  report.add(click(ROOM_B, T0 + 5000))
  report.add(click(ROOM_C, T0 + 7000, { outcome: 'moved' }))
  report.add(click(ROOM_B, T0 + 9000, { outcome: 'retired', status: 410 }))
  report.add('garbage')
  return report.result()
}

t.test('table: sections with aligned columns, numbers right-aligned', async t => {
  t.equal(formatReport(sample(), 'table'),
    `Room-link clicks from 2026-03-01T00:00:00.000Z to 2026-03-02T00:00:00.000Z (exclusive)

outcome  clicks
pcwp         13
moved         1
retired       1
total        15

Rooms still answered by MS-OCGCWEB: 2

room                                  clicks                first seen                 last seen  internal  external
61E092C7-89BB-4DC4-A3F5-8C23FA940FAB      12  2026-03-01T00:00:00.000Z  2026-03-01T00:00:11.000Z    66.7 %    33.3 %
0B5A2C8D-1E3F-4A6B-9C7D-2E4F6A8B0C1D       1  2026-03-01T00:00:05.000Z  2026-03-01T00:00:05.000Z   100.0 %     0.0 %

Moved rooms still clicked: 1

room                                  clicks                 last seen
F00DCAFE-0000-4000-8000-000000000001       1  2026-03-01T00:00:07.000Z

Retired rooms still clicked: 1

room                                  clicks                 last seen
0B5A2C8D-1E3F-4A6B-9C7D-2E4F6A8B0C1D       1  2026-03-01T00:00:09.000Z

Lines read: 16; not access lines (skipped): 1; outside the time range: 0
`)
})

t.test('table: an open range and empty sections', async t => {
  const text = formatReport(createReport().result(), 'table')
  t.match(text, /^Room-link clicks from the first line to the last line\n/)
  t.match(text, /Rooms still answered by MS-OCGCWEB: 0\n\nroom {2}clicks {2}first seen {2}last seen {2}internal {2}external\n\n/)
})

t.test('csv: one RFC 4180 table, the section in the first column, CRLF line ends', async t => {
  t.equal(formatReport(sample(), 'csv'), [
    'section,key,clicks,first_seen,last_seen,internal_share,external_share',
    'clicks,pcwp,13,,,,',
    'clicks,moved,1,,,,',
    'clicks,retired,1,,,,',
    'clicks,total,15,,,,',
    `pcwp,${ROOM_A},12,2026-03-01T00:00:00.000Z,2026-03-01T00:00:11.000Z,0.6666666666666666,0.3333333333333333`,
    `pcwp,${ROOM_B},1,2026-03-01T00:00:05.000Z,2026-03-01T00:00:05.000Z,1,0`,
    `moved,${ROOM_C},1,,2026-03-01T00:00:07.000Z,,`,
    `retired,${ROOM_B},1,,2026-03-01T00:00:09.000Z,,`,
    'lines,read,16,,,,',
    'lines,skipped,1,,,,',
    'lines,outside_range,0,,,,',
    ''
  ].join('\r\n'))
})

t.test('csv: fields with quotes, commas or line breaks are quoted, quotes doubled', async t => {
  t.equal(csvRecord(['plain', 3, 'a,b', 'say "hi"', 'two\nlines', 'cr\r', '']),
    'plain,3,"a,b","say ""hi""","two\nlines","cr\r",\r\n')
})

t.test('json: the report object as it is', async t => {
  const report = sample()
  const text = formatReport(report, 'json')
  t.ok(text.endsWith('}\n'))
  t.same(JSON.parse(text), report)
  t.match(JSON.parse(text), {
    since: '2026-03-01T00:00:00.000Z',
    until: '2026-03-02T00:00:00.000Z',
    lines: { read: 16, skipped: 1, outsideRange: 0 },
    clicks: { pcwp: 13, moved: 1, retired: 1, total: 15 },
    pcwpRooms: [{ room: ROOM_A, clicks: 12, internalShare: 8 / 12, externalShare: 4 / 12 }, { room: ROOM_B }],
    movedRooms: [{ room: ROOM_C, clicks: 1, lastSeen: '2026-03-01T00:00:07.000Z' }],
    retiredRooms: [{ room: ROOM_B, clicks: 1 }]
  })
})
