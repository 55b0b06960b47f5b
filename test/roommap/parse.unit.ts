// The room map's parsing and validation (docs/design.md "Room map"; MS-OCGCWEB 2.2.2 for rooms).
import t, { type Test } from 'tap'
import {
  fillTarget, formatProblems, parseRoomMap, PROTOCOL_ENTRY, RETIRED_ENTRY, RoomMapError,
  type RoomMap, type RoomMapEntry, type RoomMapFormat, type RoomMapProblem
} from '../../src/roommap/index.ts'
import { hostileLines, SKIP_WITHOUT_CORPUS } from '../fixtures/hostile-corpus.ts'

const A = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'
const B = '3F2504E0-4F89-11D3-9A0C-0305E82C3301'
const C = '0B5C1A77-2D3E-4F60-8A9B-C0D1E2F3A4B5'
const D = '9D8E7F60-5A4B-4C3D-9E2F-1A0B9C8D7E6F'

const csv = async (text: string, allowHttp = false): Promise<RoomMap> => await parseRoomMap(text, 'csv', { allowHttp })

/** The problems parseRoomMap reports; fails the test when it does not throw. */
async function problemsOf (
  t: Test, text: string, format: RoomMapFormat = 'csv', allowHttp = false
): Promise<RoomMapProblem[]> {
  const parsing = parseRoomMap(text, format, { allowHttp })
  const refused = { name: 'RoomMapError', code: 'PCWP_ROOM_MAP_INVALID' }
  await t.rejects(parsing, refused, `refused: ${JSON.stringify(text.slice(0, 60))}`)
  const caught = await parsing.catch((error: unknown) => error)
  return caught instanceof RoomMapError ? [...caught.problems] : []
}

/** The one problem a one-row map has, as `line, field: message`. */
async function targetProblem (t: Test, target: string, allowHttp = false): Promise<RoomMapProblem | undefined> {
  const problems = await problemsOf(t, JSON.stringify([{ room: A, target }]), 'json', allowHttp)
  t.equal(problems.length, 1, `one problem for ${JSON.stringify(target.slice(0, 60))}`)
  return problems[0]
}

function moved (entry: RoomMapEntry): Extract<RoomMapEntry, { kind: 'moved' }> {
  if (entry.kind !== 'moved') throw new Error(`expected a moved entry, got ${entry.kind}`)
  return entry
}

t.test('a CSV map: header in any case and order, extra columns, quoting, room spellings (MS-OCGCWEB 2.2.2)', async t => {
  const map = await csv([
    'Note,ROOM,extra,Target,name',
    `"Moved, with ""quotes""",${A.toLowerCase()},"ignored`,
    'spans lines",https://teams.example.com/l/{id}?lang={lang}&x=1,  Atlas  ',
    `,{${B}},,Retired,Old chat`,
    `,ma-chan://contoso.com/{${C}}).,,PCWP,`,
    `,${D}%3E,,retired,`,
    '',
    '   ',
    ',*,,https://archive.example.com/r/{id},',
    ',NEW,,https://teams.example.com/new?lang={lang},'
  ].join('\n'))
  t.equal(map.size, 4, 'room rows only')
  const a = moved(map.lookup(A))
  t.same(a, { kind: 'moved', target: a.target }, 'a moved room keeps its target only: a redirect shows no name or note')
  t.equal(a.target.template, 'https://teams.example.com/l/{id}?lang={lang}&x=1')
  t.equal(fillTarget(a.target, A, 'de-DE'), `https://teams.example.com/l/${A}?lang=de-DE&x=1`)
  t.equal(fillTarget(a.target, 'a b/&?#', 'x&y=z'), 'https://teams.example.com/l/a%20b%2F%26%3F%23?lang=x%26y%3Dz&x=1', 'values are percent-encoded')
  t.same(map.lookup(B), { kind: 'retired', name: 'Old chat' })
  t.equal(map.lookup(C), PROTOCOL_ENTRY, 'pcwp rows share one entry')
  t.equal(map.lookup(D), RETIRED_ENTRY, 'retired rows without text share one entry')
  const other = moved(map.lookup('00000000-0000-0000-0000-000000000000'))
  t.equal(fillTarget(other.target, '00000000-0000-0000-0000-000000000000', 'en-US'), 'https://archive.example.com/r/00000000-0000-0000-0000-000000000000', 'a room without a row gets the * row')
  t.equal(fillTarget(moved(map.forNew()).target, undefined, 'fr-FR'), 'https://teams.example.com/new?lang=fr-FR')
  t.same(map.summary(), {
    entries: 4,
    moved: 1,
    retired: 2,
    pcwp: 1,
    movedByHost: [{ host: 'teams.example.com', count: 1 }],
    otherRooms: 'moved',
    newRooms: 'moved'
  })
})

t.test('semicolons, CRLF, a BOM, and defaults without * and new rows', async t => {
  const map = await csv(`\uFEFF\r\nroom;"x,y";target;"na;me"\r\n${A};;"https://a.example/;x";"a;b"\r\n${B};;https://b.example:8443/p;\r\n${C};;https://a.example/;\r\n${D};;https://c.example/;\r\n\r\n`)
  t.equal(map.size, 4)
  t.equal(moved(map.lookup(A)).target.template, 'https://a.example/;x')
  t.notOk('name' in map.lookup(A), 'the quoted "na;me" header is not the name column')
  t.equal(map.lookup(B.toLowerCase()), PROTOCOL_ENTRY, 'lookup is by canonical GUID only')
  t.equal(map.forNew(), PROTOCOL_ENTRY)
  t.same(map.summary().movedByHost, [
    { host: 'a.example', count: 2 }, { host: 'b.example:8443', count: 1 }, { host: 'c.example', count: 1 }
  ], 'most first, then by host')
  t.same(map.summary().otherRooms, 'pcwp')
  t.equal((await csv('room,target\n')).size, 0, 'a header alone is an empty map')
  t.equal((await csv('target,room')).lookup(A), PROTOCOL_ENTRY)
  t.equal((await csv('room,target\r\n', true)).size, 0)
})

t.test('the delimiter is the first unquoted , or ; of the header row', async t => {
  const map = await csv(`"a,b";room;target\n"x,y";${A};https://a.example/\n`)
  t.equal(moved(map.lookup(A)).target.template, 'https://a.example/')
  t.equal((await csv(`room,"t;x",target\n${A},;,pcwp\n`)).size, 1)
})

t.test('moved rooms per host: most first, then by host name', async t => {
  const rows = [B, C, D, A].map((room, i) => `${room},https://${'zyxw'.charAt(i)}.example/`)
  t.same((await csv(`room,target\n${rows.join('\n')}\n${'1'.repeat(8)}-0000-0000-0000-000000000000,https://y.example/`)).summary().movedByHost.map(h => h.host),
    ['y.example', 'w.example', 'x.example', 'z.example'])
})

t.test('fillTarget leaves an unnamed {id} empty', async t => {
  t.equal(fillTarget({ template: 'https://a.example/{id}/{lang}', pieces: ['https://a.example/', '/', ''], slots: ['id', 'lang'] }, undefined, 'en-US'),
    'https://a.example//en-US')
})

t.test('rows moved to the same URL get the same target', async t => {
  const map = await csv(`room,target\n${A},https://teams.example.com/x\n${B},https://teams.example.com/x\n`)
  t.same(moved(map.lookup(A)).target, moved(map.lookup(B)).target)
  t.equal(fillTarget(moved(map.lookup(A)).target, A, 'en-US'), 'https://teams.example.com/x', 'no placeholders: the URL as written')
})

t.test('a JSON map', async t => {
  const map = await parseRoomMap('\uFEFF' + JSON.stringify([
    { room: `ma-chan://contoso.com/${A}`, target: 'https://teams.example.com/{id}', name: ' Atlas ', note: '', extra: 1 },
    { room: B, target: 'retired', note: 'gone' },
    JSON.parse(`{"__proto__": {"polluted": true}, "room": "${C}", "target": "pcwp"}`),
    { room: 'new', target: 'retired', name: 'No new rooms' }
  ]), 'json', { allowHttp: false })
  t.equal(map.size, 3)
  t.same(map.lookup(A), { kind: 'moved', target: moved(map.lookup(A)).target })
  t.same(map.lookup(B), { kind: 'retired', note: 'gone' })
  t.equal(map.lookup(C), PROTOCOL_ENTRY)
  t.same(map.forNew(), { kind: 'retired', name: 'No new rooms' })
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was touched')
  t.equal((await parseRoomMap('[]', 'json', { allowHttp: false })).size, 0)
})

t.test('targets: what is refused, and why', async t => {
  const cases: [string, RegExp][] = [
    ['javascript:alert(1)', /expected pcwp, retired or an absolute https:\/\/ URL$/],
    ['JavaScript://%0Aalert(1)', /expected pcwp, retired/],
    ['data:text/html,<script>alert(1)</script>', /expected pcwp, retired/],
    ['vbscript:x', /expected pcwp, retired/],
    ['ftp://example.com/', /expected pcwp, retired/],
    ['teams.example.com/x', /expected pcwp, retired/],
    ['/rooms/x', /expected pcwp, retired/],
    ['//evil.example/x', /protocol-relative/],
    ['http://example.com/', /plain http:\/\/ is refused.*PCWP_ALLOW_HTTP=true/],
    ['https://user@example.com/', /user name or password/],
    ['https://user:secret@example.com/', /user name or password/],
    ['https://example.com@evil.example/', /user name or password/],
    ['https://example.com/a\r\nLocation: https://evil.example/', /line breaks/],
    ['https://example.com/a\nb', /line breaks/],
    ['https://example.com/\tb', /control/],
    ['https://example.com/a b', /spaces/],
    ['https://exämple.com/', /non-ASCII/],
    ['https://example.com/\\evil', /percent-encoded/],
    ['https:\\\\evil.example', /percent-encoded/],
    ['https://example.com/<script>', /percent-encoded/],
    ['https://example.com/{ID}', /only \{id\} and \{lang\}/],
    ['https://example.com/{room}', /only \{id\} and \{lang\}/],
    ['https://example.com/{id', /only \{id\} and \{lang\}/],
    ['https://{id}.example.com/', /not in the host/],
    ['https://example.com:{id}/', /not in the host/],
    ['https://example.com/#{lang}', /not in the fragment/],
    ['https://%65vil.example/', /host plainly/],
    ['https:evil.example', /the host is missing/],
    ['https:/evil.example', /the host is missing/],
    ['https:///evil.example', /the host is missing/],
    ['https://', /the host is missing/],
    ['https://:443/', /not a valid URL/],
    ['https://example.com:99999/', /not a valid URL/],
    ['https://[::1/', /not a valid URL/],
    [`https://example.com/${'a'.repeat(2030)}`, /too long: at most 2048/],
    ['https://example.com/' + 'x'.repeat(10 * 1024 * 1024), /too long/]
  ]
  for (const [target, expected] of cases) {
    const problem = await targetProblem(t, target)
    t.match(problem, { index: 0, field: 'target', message: expected }, JSON.stringify(target.slice(0, 60)))
    t.ok((problem?.message.length ?? 0) < 200, 'the message is short')
    if (target.length > 12) t.notOk(problem?.message.includes(target.slice(0, 40)), 'the target is not echoed')
  }
})

t.test('targets: what is accepted', async t => {
  const accepted = [
    'https://example.com', 'HTTPS://Example.COM/Path?q=1#frag', 'https://example.com:8443/a/{id}/{lang}?x={id}&y={lang}',
    'https://192.0.2.1/x', 'https://[2001:db8::1]/x', `https://example.com/${'a'.repeat(2028)}`,
    "https://example.com/a-._~:/?#[]@!$&'()*+,;=%20"
  ]
  for (const target of accepted) {
    const map = await parseRoomMap(JSON.stringify([{ room: A, target }]), 'json', { allowHttp: false })
    const filled = fillTarget(moved(map.lookup(A)).target, A, 'de-DE')
    const url = new URL(filled)
    t.equal(url.protocol, 'https:', target.slice(0, 60))
  }
  const http = await parseRoomMap(JSON.stringify([{ room: A, target: 'http://intranet.example/{id}' }]), 'json', { allowHttp: true })
  t.equal(fillTarget(moved(http.lookup(A)).target, A, 'en-US'), `http://intranet.example/${A}`, 'http:// when allowed')
  t.match(await targetProblem(t, 'ftp://x.example/', true), { message: /expected pcwp, retired or an absolute https:\/\/ or http:\/\/ URL$/ })
})

t.test('the new row names no room: {id} is refused there only', async t => {
  const problems = await problemsOf(t, `room,target\nnew,https://a.example/{id}\n*,https://a.example/{id}\n${A},https://a.example/{id}\n`)
  t.same(problems, [{ line: 2, field: 'target', message: 'the new row names no room, so {id} cannot be filled; remove it' }])
  t.same((await problemsOf(t, `room,target\n${A},https://a.example/{id}\nnew,https://a.example/{id}\n`)).map(p => p.line), [3], 'also when the target was seen before')
})

t.test('rooms, names and notes: what is refused', async t => {
  const problems = await problemsOf(t, [
    'room,target,name,note',
    ',pcwp,,',
    'not-a-room,pcwp,,',
    `${A}.x,pcwp,,`,
    `urn:uuid:${A},pcwp,,`,
    `${A},,,`,
    `${B},retired,${'n'.repeat(201)},`,
    `${C},retired,,${'n'.repeat(501)}`,
    `${D},https://a.example/,"two\nlines",`,
    '*,pcwp,,"tab\there"',
    'new,retired,,"bell\u0007"',
    `{${A}},pcwp,,`,
    `ma-chan://contoso.com/${A.toLowerCase()},pcwp,,`,
    '*,retired,,',
    'NEW,pcwp,,',
    `${B},https://b.example/,${'n'.repeat(200)},${'n'.repeat(500)}`
  ].join('\n'))
  t.same(problems.map(p => [p.line, p.field]), [
    [2, 'room'], [3, 'room'], [4, 'room'], [5, 'room'], [6, 'target'], [7, 'name'], [8, 'note'],
    [9, 'name'], [11, 'note'], [12, 'note'], [13, 'room'], [14, 'room'], [15, 'room'], [16, 'room'], [17, 'room']
  ], 'a quoted line break makes line 9 a two-line record')
  t.match(problems[0]?.message, /^required; expected \* \(rooms without a row\), new \(\/rooms\/new\), a room GUID or a room URI/)
  t.match(problems[1]?.message, /^not a room; expected/)
  t.match(problems[4]?.message, /^required; expected pcwp, retired or an absolute https:\/\/ URL/)
  t.match(problems[5]?.message, 'too long: at most 200 characters')
  t.match(problems[6]?.message, 'too long: at most 500 characters')
  t.match(problems[7]?.message, /line breaks, tabs or other control characters/)
  t.equal(problems[10]?.message, 'the same room as line 6; a room may have one row only',
    'duplicates name the first line, after canonicalisation')
  t.equal(problems[11]?.message, 'the same room as line 6; a room may have one row only')
  t.equal(problems[12]?.message, 'the same room as line 11; a room may have one row only', 'two * rows')
  t.equal(problems[13]?.message, 'the same room as line 12; a room may have one row only', 'two new rows')
  t.equal(problems[14]?.message, 'the same room as line 7; a room may have one row only')
  const twice = [{ room: A, target: 'pcwp' }, { room: `{${A}}`, target: 'pcwp' }]
  const json = await problemsOf(t, JSON.stringify(twice), 'json')
  t.same(json, [{ index: 1, field: 'room', message: 'the same room as index 0; a room may have one row only' }])
})

t.test('CSV structure: field counts, quotes, header', async t => {
  const countProblem = (expected: number, found: number): string =>
    `expected ${expected} fields as in the header row, found ${found}; quote a value that contains the delimiter`
  const rows = ['room,target,name', `${A},pcwp`, `${B},pcwp,x,y`, `${C},pc"wp,`, `${D},pcwp,x,y`]
  t.same(await problemsOf(t, rows.join('\n')), [
    { line: 2, message: countProblem(3, 2) },
    { line: 3, message: countProblem(3, 4) },
    { line: 4, message: 'a quote may only enclose a whole field (and be doubled inside it)' }
  ], 'every row with a wrong count; the first error in the structure ends the reading')
  t.same(await problemsOf(t, `room,target,extra\n${A},pcwp,"two\r\nlines"\n\n\r\n${B},pcwp,a\rb\n${D},"pcwp"x,\n${C},pcwp\n`), [
    { line: 7, message: 'a closing quote must be followed by the delimiter or the end of the line' }
  ], 'on the line its record starts on, after a two-line record, empty lines and a carriage return in a field')
  t.same(await problemsOf(t, `room,target,name\n${A},pcwp,x\n"${B}\nstill open,\n${C},pcwp,x\n`), [
    { line: 3, message: 'a quoted field is not closed: a closing quote is missing' }
  ])
  t.same(await problemsOf(t, 'room,"target\n'), [
    { line: 1, message: 'a quoted field is not closed: a closing quote is missing' }
  ])
  const noHeader = [{ message: 'no header row; the first line must name the columns, for example room,target,name,note' }]
  t.same(await problemsOf(t, ''), noHeader)
  t.same(await problemsOf(t, '\n \n\t\n'), noHeader)
  t.same(await problemsOf(t, '\uFEFF \r\n\r\n'), noHeader)
  t.same(await problemsOf(t, `room;name\n${A};"x" y\n`), [
    { line: 1, message: 'the header row must name the columns room and target (missing: target), separated by , or ;' },
    { line: 2, message: 'a closing quote must be followed by the delimiter or the end of the line' }
  ], 'without the columns, records are still checked for structure')
  t.same(await problemsOf(t, 'room target name\n'), [{ line: 1, message: 'the header row must name the columns room and target (missing: room, target), separated by , or ;' }])
  t.same(await problemsOf(t, 'room,target,Room\n'), [
    { line: 1, message: 'the header row names the column room twice' }
  ])
})

t.test('blank lines are skipped, and counted in the lines of what follows', async t => {
  t.same(await problemsOf(t, `\n  \n\t\r\nroom,target\n\n${A},javascript:x\n   \n${B},pcwp,x\n\r\n""\n${C},pcwp,x\n`), [
    { line: 6, field: 'target', message: 'expected pcwp, retired or an absolute https:// URL' },
    { line: 8, message: 'expected 2 fields as in the header row, found 3; quote a value that contains the delimiter' },
    { line: 11, message: 'expected 2 fields as in the header row, found 3; quote a value that contains the delimiter' }
  ])
})

t.test('over-long lines are refused without reading them', async t => {
  const huge = 'x'.repeat(10 * 1024 * 1024)
  const tooLong = 'the line is longer than 8192 characters'
  const started = performance.now()
  t.same(await problemsOf(t, `room,target,${huge}\n${A},pcwp,x\n`), [{ line: 1, message: tooLong }],
    'the header row is too long: nothing else is reported')
  t.same(await problemsOf(t, `room,target,note\n${A},pcwp,x,y\n${B},pcwp,${huge}\r\n${C},pcwp,x,y\n`), [
    { line: 2, message: 'expected 3 fields as in the header row, found 4; quote a value that contains the delimiter' },
    { line: 3, message: tooLong }
  ], 'the rows before are checked; reading ends there')
  t.comment(`two 10 MiB lines refused in ${(performance.now() - started).toFixed(0)} ms`)
  t.same(await problemsOf(t, `room,target,note\n${B},pcwp,"starts\n${'y'.repeat(30_000)}\nends"\n`), [{ line: 3, message: tooLong }],
    'a record grown too long is refused on the line that makes it so')
  t.same(await problemsOf(t, `room,target,note\n${A},pcwp,${'z'.repeat(9000)}\n${B},pcwp,x,y\n${C},pcwp,"a\n${'z'.repeat(9000)}"\n${D},javascript:x,\n`), [
    { line: 2, message: tooLong },
    { line: 3, message: 'expected 3 fields as in the header row, found 4; quote a value that contains the delimiter' },
    { line: 4, message: tooLong },
    { line: 6, field: 'target', message: 'expected pcwp, retired or an absolute https:// URL' }
  ], 'a record shorter than 24 KiB is measured in characters, and reading goes on after it')
  t.same(await problemsOf(t, `room,target,${'h'.repeat(9000)}\n${A},pcwp\n${B},"pc"wp\n`), [
    { line: 1, message: tooLong },
    { line: 3, message: 'a closing quote must be followed by the delimiter or the end of the line' }
  ], 'without the columns of a header row too long, records are still checked for structure')
  t.equal((await csv(`room,target,extra\n${A},pcwp,${'z'.repeat(8192 - A.length - 6)}\r\n`)).size, 1, '8192 characters are allowed')
})

t.test('a NUL or a byte order mark after the start', async t => {
  t.same(await problemsOf(t, `room,target\n${A},pcwp\u0000\u0000\n\uFEFF${B},pcwp\n${C},pc\uFEFFwp\u0000\n`), [
    { line: 2, message: 'contains a NUL character; save the file as UTF-8 text (is it UTF-16?)' },
    { line: 3, message: 'contains a byte order mark (U+FEFF) after the start of the file; remove it' },
    { line: 4, message: 'contains a NUL character; save the file as UTF-8 text (is it UTF-16?)' },
    { line: 4, message: 'contains a byte order mark (U+FEFF) after the start of the file; remove it' }
  ])
  t.same((await problemsOf(t, '\uFEFF\uFEFF[]', 'json')).map(p => p.line), [1])
  t.same((await problemsOf(t, '[{"room":"\u0000"}]', 'json')).map(p => p.line), [1], 'JSON too')
})

t.test('hostile JSON', async t => {
  const expected = 'expected a JSON array of objects {"room": …, "target": …, "name": …, "note": …}'
  for (const text of ['', '[', '{"room": 1', 'NaN', '[1,]', `[${'['.repeat(100_000)}`, '\u0000']) {
    const problems = await problemsOf(t, text, 'json')
    t.equal(problems.length, 1)
    t.match(problems[0]?.message, /^not valid JSON|NUL/, JSON.stringify(text.slice(0, 20)))
  }
  for (const text of ['{}', '"room"', '1', 'null', 'true', JSON.stringify({ room: A, target: 'pcwp' })]) {
    t.same(await problemsOf(t, text, 'json'), [{ message: expected }], text)
  }
  t.same(await problemsOf(t, JSON.stringify([1, null, [], 'x', true, { room: A, target: 'pcwp' }]), 'json'), [
    { index: 0, message: 'expected an object {"room": …, "target": …}, found a number' },
    { index: 1, message: 'expected an object {"room": …, "target": …}, found null' },
    { index: 2, message: 'expected an object {"room": …, "target": …}, found an array' },
    { index: 3, message: 'expected an object {"room": …, "target": …}, found a string' },
    { index: 4, message: 'expected an object {"room": …, "target": …}, found a boolean' }
  ])
  t.same(await problemsOf(t, JSON.stringify([
    { room: 1, target: 'pcwp' },
    { room: A, target: null },
    { room: B, target: { href: 'https://a.example/' } },
    { room: C, target: 'retired', name: ['x'], note: false },
    { target: 'pcwp' }
  ]), 'json'), [
    { index: 0, field: 'room', message: 'expected a string, found a number' },
    { index: 1, field: 'target', message: 'expected a string, found null' },
    { index: 2, field: 'target', message: 'expected a string, found a object' },
    { index: 3, field: 'name', message: 'expected a string, found an array' },
    { index: 3, field: 'note', message: 'expected a string, found a boolean' },
    { index: 4, field: 'room', message: 'required; expected * (rooms without a row), new (/rooms/new), a room GUID or a room URI ma-chan://<domain>/<GUID>' }
  ])
  const proto = `[{"__proto__": {"room": "${A}", "target": "pcwp"}}]`
  t.same((await problemsOf(t, proto, 'json')).map(p => p.field), ['room', 'target'],
    'a __proto__ key supplies nothing')
  const entries = Array.from({ length: 10_000 }, (_, i) => i % 2 === 0 ? i : { room: String(i) })
  const garbage = await problemsOf(t, JSON.stringify(entries), 'json')
  t.equal(garbage.length, 15_000, 'every bad entry is reported')
  const text = formatProblems(garbage)
  t.equal(text.split('\n').length, 51)
  t.match(text, /\n… and 14950 more$/)
})

t.test('RoomMapError and formatProblems', async t => {
  const problems = [{ line: 3, field: 'room', message: 'm1' }, { index: 2, message: 'm2' }, { message: 'm3' }]
  const error = new RoomMapError(problems)
  t.equal(error.code, 'PCWP_ROOM_MAP_INVALID')
  t.equal(error.message, 'PCWP_ROOM_MAP_INVALID: the room map: 3 problems\nline 3, room: m1\nindex 2: m2\nm3')
  t.equal(new RoomMapError([{ message: 'x' }], 'PCWP_ROOM_MAP_UNREADABLE', '/etc/map.csv').message,
    'PCWP_ROOM_MAP_UNREADABLE: /etc/map.csv: 1 problem\nx')
  t.equal(formatProblems(problems, 2), 'line 3, room: m1\nindex 2: m2\n… and 1 more')
  t.equal(formatProblems(problems, 3), 'line 3, room: m1\nindex 2: m2\nm3')
})

t.test('every target the redirect corpora get accepted is https with a host and no credentials', { skip: SKIP_WITHOUT_CORPUS }, async t => {
  const files = [
    'patt_open-redirect-payloads.txt', 'fuzzdb_redirect-urls-template.txt', 'fuzzdb_redirect-injection-template.txt',
    'patt_open-redirect-wordlist.txt', 'patt_openredirects.txt', 'fuzzdb_xss-uri.txt', 'patt_crlfinjection.txt',
    'fuzzdb_crlf-injection.txt'
  ]
  let accepted = 0
  let lines = 0
  for (const file of files) {
    for (const line of hostileLines(file)) {
      for (const target of [line, line.trim(), `https://${line.replace(/^[a-z]*:?\/*/i, '')}`]) {
        lines++
        let map: RoomMap
        try {
          const rows = [{ room: A, target }, { room: '*', target }]
          map = await parseRoomMap(JSON.stringify(rows), 'json', { allowHttp: false })
        } catch (error) {
          if (!(error instanceof RoomMapError)) t.fail(`${file}: ${JSON.stringify(target)} threw ${String(error)}`)
          continue
        }
        accepted++
        for (const entry of [map.lookup(A), map.lookup(B)]) {
          const filled = fillTarget(moved(entry).target, A, 'en-US')
          const url = new URL(filled)
          if (url.protocol !== 'https:' || url.hostname === '' || url.username !== '' || url.password !== '') {
            t.fail(`${file}: ${JSON.stringify(target)} gave ${filled}`)
          }
        }
      }
    }
  }
  t.ok(lines > 300, `${lines} targets tried`)
  t.ok(accepted > 0, `${accepted} accepted`)
})
