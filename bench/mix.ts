// The request mixes: room and create links, every accepted room spelling,
// real browser Accept-Language headers, internal and external clients behind
// a trusted proxy. Deterministic, so that every run sends the same requests.
export interface BenchRequest {
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
}

/** The plain mix's rooms (none is in a room map). */
export const PLAIN_ROOMS = [
  '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB',
  '0F8FAD5B-D9CB-469F-A165-70867728950E',
  '7C9E6679-7425-40DE-944B-E07FC1F90AE7',
  '6ECD8C99-4036-403D-BF84-CF8400F67836'
]

// As browsers send them.
const ACCEPT_LANGUAGES = [
  'en-US,en;q=0.9',
  'de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7',
  'de-AT,de;q=0.9,en;q=0.8',
  'fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5',
  'zh-HK,zh-TW;q=0.9,zh;q=0.8,en-US;q=0.7,en;q=0.6',
  'pt-BR,pt;q=0.9,en-US;q=0.8,en;q=0.7',
  'ja,en-US;q=0.9,en;q=0.8',
  'nb-NO,nb;q=0.9,no;q=0.8,nn;q=0.7,en-US;q=0.6,en;q=0.5',
  'es-419,es;q=0.9',
  'en-GB,en-US;q=0.9,en;q=0.8'
]

// X-Forwarded-For as the trusted proxy (127.0.0.1) passes it on.
const FORWARDED_FOR = [
  '10.12.0.7',
  '203.0.113.45',
  '198.51.100.7, 10.40.2.9',
  '192.0.2.200'
]

/** The `n`th of the spellings the service accepts for a room GUID: upper case, lower case, braced, a ma-chan URI. */
export function spelled (guid: string, n: number): string {
  switch (n % 4) {
    case 0: return guid.toUpperCase()
    case 1: return guid.toLowerCase()
    case 2: return `{${guid.toUpperCase()}}`
    default: return encodeURIComponent(`ma-chan://contoso.com/${guid.toUpperCase()}`)
  }
}

/**
 * Forty requests: every fifth creates a room, the others open `rooms` in
 * turn, some through `?uri=`, each room in every spelling in turn.
 */
export function requestMix (rooms: readonly string[] = PLAIN_ROOMS): BenchRequest[] {
  const mix: BenchRequest[] = []
  for (let i = 0; i < 40; i++) {
    const room = spelled(rooms[i % rooms.length] as string, i)
    const path = i % 5 === 4 ? '/rooms/new' : i % 7 === 3 ? `/rooms?uri=${room}` : `/rooms/${room}`
    mix.push({
      path,
      headers: {
        'accept-language': ACCEPT_LANGUAGES[i % ACCEPT_LANGUAGES.length] as string,
        'x-forwarded-for': FORWARDED_FOR[i % FORWARDED_FOR.length] as string,
        'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
        accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
      }
    })
  }
  return mix
}

/**
 * A wrk script that sends the mix round-robin and, at the end, prints
 * `Unexpected statuses: N`, the answers whose status is not in `expected`.
 */
export function wrkScript (mix: readonly BenchRequest[], expected: readonly number[]): string {
  const lua = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
  const requests = mix.map(({ path, headers }) =>
    `wrk.format("GET", ${lua(path)}, { ${Object.entries(headers).map(([name, value]) => `[${lua(name)}] = ${lua(value)}`).join(', ')} })`)
  return `local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
local expected = { ${expected.map(status => `[${String(status)}] = true`).join(', ')} }
local requests = {}
init = function(args)
  unexpected = 0
${requests.map(r => `  table.insert(requests, ${r})`).join('\n')}
end
local i = 0
request = function()
  i = i % #requests + 1
  return requests[i]
end
response = function(status, headers, body)
  if not expected[status] then unexpected = unexpected + 1 end
end
done = function(summary, latency, requests)
  local n = 0
  for _, thread in ipairs(threads) do n = n + thread:get("unexpected") end
  io.write("Unexpected statuses: " .. n .. "\\n")
end
`
}
