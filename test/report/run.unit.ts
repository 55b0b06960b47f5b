// src/report/run.ts: `pcwp-links report` over files, .gz files and standard input; usage errors exit 2.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import t, { type Test } from 'tap'
import { REPORT_HELP, runReport } from '../../src/report/run.ts'
import { accessLine, CLIENTS, click, ROOM_A, ROOM_B, T0 } from './fixtures/lines.ts'

interface Run { code: number, out: string, err: string }

async function report (argv: string[], stdin: Readable = Readable.from([])): Promise<Run> {
  let out = ''
  let err = ''
  const code = await runReport(argv, { out: text => { out += text }, err: text => { err += text }, stdin })
  return { code, out, err }
}

const DAY = 86_400_000
const LINES = [
  ...CLIENTS.map((client, i) => click(ROOM_A, T0 + i * 1000, { client, zone: i % 2 === 0 ? 'internal' : 'external' })),
  click(ROOM_B, T0 + DAY, { client: CLIENTS[1] }),
  accessLine({ kind: 'not_found', status: 404, client: CLIENTS[2] }),
  `{"level":50,"time":${T0},"msg":"client ${CLIENTS[3] as string} misbehaved"}`
]
const TEXT = `${LINES.join('\n')}\n`

async function logFiles (t: Test): Promise<string> {
  const dir = t.testdir({})
  await writeFile(join(dir, 'access.log'), LINES.slice(0, 2).join('\r\n') + '\r\n')
  await writeFile(join(dir, 'access.log.1.gz'), gzipSync(LINES.slice(2).join('\n')))
  await writeFile(join(dir, 'broken.gz'), gzipSync(TEXT).subarray(0, 40))
  await writeFile(join(dir, 'plain.gz'), TEXT)
  await mkdir(join(dir, 'folder'))
  return dir
}

t.test('reads plain and .gz files, in any order, CRLF or LF', async t => {
  const dir = await logFiles(t)
  const run = await report(['--format', 'json', join(dir, 'access.log.1.gz'), join(dir, 'access.log')])
  t.equal(run.code, 0)
  t.equal(run.err, '')
  const result = JSON.parse(run.out)
  t.same(result.lines, { read: 7, skipped: 1, outsideRange: 0 })
  t.same(result.clicks, { pcwp: 5, moved: 0, retired: 0, total: 5 })
  t.match(result.pcwpRooms, [
    { room: ROOM_A, clicks: 4, firstSeen: new Date(T0).toISOString(), internalShare: 0.5 },
    { room: ROOM_B, clicks: 1 }
  ])
})

t.test('reads standard input without a file, and for -', async t => {
  const dir = await logFiles(t)
  const alone = await report(['--format=csv'], Readable.from([TEXT.slice(0, 100), TEXT.slice(100)]))
  t.equal(alone.code, 0)
  t.match(alone.out, 'clicks,total,5,,,,\r\n')
  const mixed = await report(['--format', 'json', join(dir, 'access.log'), '-'],
    Readable.from([LINES.slice(2).join('\n')]))
  t.same(JSON.parse(mixed.out).lines, { read: 7, skipped: 1, outsideRange: 0 })
})

t.test('--since and --until select the lines, until exclusive', async t => {
  const day = await report(['--since', '2026-03-01', '--until', '2026-03-02', '--format', 'json'],
    Readable.from([TEXT]))
  t.equal(day.code, 0)
  t.match(JSON.parse(day.out), {
    since: '2026-03-01T00:00:00.000Z',
    until: '2026-03-02T00:00:00.000Z',
    clicks: { total: 4 },
    lines: { outsideRange: 1 }
  })
  const offset = await report(['--since', '2026-03-02T01:00+01:00', '--format', 'json'], Readable.from([TEXT]))
  t.match(JSON.parse(offset.out),
    { since: '2026-03-02T00:00:00.000Z', clicks: { total: 1 }, pcwpRooms: [{ room: ROOM_B }] })
})

t.test('the table is the default format', async t => {
  const run = await report([], Readable.from([TEXT]))
  t.equal(run.code, 0)
  t.match(run.out, /^Room-link clicks from the first line to the last line\n/)
  t.match(run.out, /Lines read: 7; not access lines \(skipped\): 1; outside the time range: 0\n$/)
})

t.test('no client address ever appears, in any format', async t => {
  for (const format of ['table', 'csv', 'json']) {
    const run = await report(['--format', format], Readable.from([TEXT]))
    t.equal(run.code, 0)
    for (const client of CLIENTS) t.notOk(run.out.includes(client), `${format} does not hold ${client}`)
    t.notMatch(run.out, /10\.1\.|2001:db8|198\.51/, format)
  }
})

t.test('--help', async t => {
  t.same(await report(['--help']), { code: 0, out: REPORT_HELP, err: '' })
  t.same(await report(['-h', '--format', 'nonsense']), { code: 0, out: REPORT_HELP, err: '' })
})

t.test('usage errors exit 2 with one clear message and print no report', async t => {
  const dir = await logFiles(t)
  const cases: [string[], string][] = [
    [['--since', 'yesterday'], '--since needs an ISO 8601 date or time'],
    [['--until', '2026-02-30'], '--until needs an ISO 8601 date or time'],
    [['--since', '2026-03-02', '--until', '2026-03-01'], '--until must be later than --since (--until is exclusive)'],
    [['--since', '2026-03-01', '--until', '2026-03-01'], '--until must be later than --since'],
    [['--format', 'xml'], '--format must be one of table, csv, json'],
    [['--colour'], "Unknown option '--colour'"],
    [['--since'], "Option '--since <value>' argument missing"],
    [[join(dir, 'missing.log')], `cannot read ${join(dir, 'missing.log')}: ENOENT: no such file or directory`],
    [[join(dir, 'folder')], `cannot read ${join(dir, 'folder')}: not a file`],
    [[join(dir, 'access.log'), join(dir, 'missing.log')], `cannot read ${join(dir, 'missing.log')}: ENOENT`],
    [[join(dir, 'broken.gz')], `cannot read ${join(dir, 'broken.gz')}: not a valid gzip file (corrupt or cut short)`],
    [[join(dir, 'plain.gz')], `cannot read ${join(dir, 'plain.gz')}: not a valid gzip file (corrupt or cut short)`]
  ]
  for (const [argv, message] of cases) {
    const run = await report(argv)
    t.equal(run.code, 2, argv.join(' '))
    t.equal(run.out, '', 'no report')
    t.ok(run.err.startsWith(`pcwp-links report: ${message}`), run.err.split('\n')[0] as string)
    t.match(run.err, /Run pcwp-links report --help for the options\.\n$/)
  }
})

t.test('a read error on standard input is reported like an unreadable file', async t => {
  const failing = new Readable({
    read () { this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })) }
  })
  const run = await report([], failing)
  t.equal(run.code, 2)
  t.match(run.err, /^pcwp-links report: cannot read standard input: EIO: i\/o error\n/)
})

t.test('an error that is not the user\'s is not turned into a usage message', async t => {
  const broken = runReport([], {
    out: () => { throw new Error('EPIPE') },
    err: () => undefined,
    stdin: Readable.from([TEXT])
  })
  await t.rejects(broken, { message: 'EPIPE' })
})
