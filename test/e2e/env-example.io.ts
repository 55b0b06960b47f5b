// .env.example and docker-compose.yml agree with the code: the example names
// only variables the service reads, every one of them, and compose hands it to
// the service and mounts the shipped nginx files.
import { readdir, readFile } from 'node:fs/promises'
import t from 'tap'
import { parse } from 'yaml'
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.ts'

const ROOT = new URL('../../', import.meta.url)
const example = await readFile(new URL('.env.example', ROOT), 'utf8')
// NAME=value, or "# NAME=value" for a variable shown but left at its default.
const lines = [...example.matchAll(/^(#\s*)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)]
  .map(([, comment, name, value]) => ({ active: comment === undefined, name: name as string, value: value as string }))

t.test('.env.example names only variables the service reads, and all of them', async t => {
  t.ok(lines.length > 0, 'the example has variables')
  for (const { name } of lines) t.ok(CONFIG_VARIABLES.includes(name), `${name} is read by the configuration (CONFIG_VARIABLES)`)
  const names = lines.map(line => line.name)
  t.same(names.filter((name, i) => names.indexOf(name) !== i), [], 'each variable once')
  for (const name of CONFIG_VARIABLES) t.ok(names.includes(name), `${name} is in the example`)
})

t.test('its values load in production, commented examples too', async t => {
  const active = Object.fromEntries(lines.filter(line => line.active).map(line => [line.name, line.value]))
  t.ok(active.PCWP_BASE_URL_INTERNAL, 'a room management address is set')
  t.same(loadConfig({ ...active, NODE_ENV: 'production' }).warnings, [])
  // The commented examples that need no file on disk.
  const needsFiles = new Set(['PCWP_ROOM_MAP', 'PCWP_LOCALES_DIR'])
  const examples = Object.fromEntries(lines.filter(line => !needsFiles.has(line.name)).map(line => [line.name, line.value]))
  t.same(loadConfig(examples).warnings, [])
})

interface Compose {
  services: Record<string, { env_file?: string, environment?: Record<string, string>, volumes?: string[], ports?: string[], networks?: unknown }>
}

t.test('docker compose runs the shipped nginx files in front of the service', async t => {
  const text = await readFile(new URL('docker-compose.yml', ROOT), 'utf8')
  t.notMatch(text, /\$\{/, 'no compose variables: its own settings are written in the file, .env is for the service')
  const compose = parse(text) as Compose
  const service = compose.services['pcwp-links']
  const nginx = compose.services.nginx
  t.equal(service?.env_file, '.env', 'the service gets .env')
  for (const name of Object.keys(service?.environment ?? {})) t.ok(CONFIG_VARIABLES.includes(name), `${name} is read by the configuration`)
  const shipped = (await readdir(new URL('deploy/nginx/', ROOT))).filter(name => name.endsWith('.conf')).sort()
  t.same(shipped, ['nginx.conf', 'pcwp-proxy.conf', 'pcwp-upstream.conf'])
  t.same(nginx?.volumes, shipped.map(name => `./deploy/nginx/${name}:/etc/nginx/${name}:ro`), 'nginx mounts every shipped file')
  t.same(nginx?.ports, ['8080:8080', '8081:8081'], 'both listeners are published')
  t.match(nginx?.networks, { pcwp: { ipv4_address: service?.environment?.PCWP_TRUST_PROXY } }, 'the service trusts nginx, and only nginx')
  t.equal(service?.environment?.PCWP_NETWORK_HEADER, 'X-Network-Zone')
  t.match(await readFile(new URL('deploy/nginx/pcwp-proxy.conf', ROOT), 'utf8'), /^proxy_set_header X-Network-Zone \$pcwp_zone;$/m,
    'the header nginx sets')
})
