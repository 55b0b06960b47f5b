// The request mix: room and create links, every accepted room spelling,
// real browser Accept-Language headers, internal and external clients behind
// a trusted proxy. Deterministic, so that every run sends the same requests.
export interface BenchRequest {
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
}

const ROOMS = [
  '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB',
  '0f8fad5b-d9cb-469f-a165-70867728950e',
  '{7C9E6679-7425-40DE-944B-E07FC1F90AE7}',
  encodeURIComponent('ma-chan://contoso.com/6ECD8C99-4036-403D-BF84-CF8400F67836')
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

export function requestMix (): BenchRequest[] {
  const mix: BenchRequest[] = []
  for (let i = 0; i < 40; i++) {
    const room = ROOMS[i % ROOMS.length] as string
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

/** A wrk script that sends the mix round-robin. */
export function wrkScript (mix: readonly BenchRequest[]): string {
  const lua = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
  const requests = mix.map(({ path, headers }) =>
    `wrk.format("GET", ${lua(path)}, { ${Object.entries(headers).map(([name, value]) => `[${lua(name)}] = ${lua(value)}`).join(', ')} })`)
  return `local requests = {}
init = function(args)
${requests.map(r => `  table.insert(requests, ${r})`).join('\n')}
end
local i = 0
request = function()
  i = i % #requests + 1
  return requests[i]
end
`
}
