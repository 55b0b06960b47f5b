// .env.example and docker-compose.yml agree with the code: the example names
// only variables the service reads, every one of them; compose passes them
// through from .env, starts without one, and mounts the shipped nginx files.
import { existsSync } from 'node:fs'
import { readdir, readFile } from 'node:fs/promises'
import t from 'tap'
import { parse } from 'yaml'
import { CONFIG_VARIABLES, loadConfig } from '../../src/config.ts'
import { parseDockerfile } from '../fixtures/docker-context.ts'

const ROOT = new URL('../../', import.meta.url)
const example = await readFile(new URL('.env.example', ROOT), 'utf8')
// NAME=value, or "# NAME=value" for a variable shown but left at its default.
const lines = [...example.matchAll(/^(#\s*)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)]
  .map(([, comment, name, value]) => ({ active: comment === undefined, name: name as string, value: value as string }))

t.test('.env.example names only variables the service reads, and all of them', async t => {
  t.ok(lines.length > 0, 'the example has variables')
  for (const { name } of lines) {
    t.ok(CONFIG_VARIABLES.includes(name), `${name} is read by the configuration (CONFIG_VARIABLES)`)
  }
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
  const examples = Object.fromEntries(
    lines.filter(line => !needsFiles.has(line.name)).map(line => [line.name, line.value])
  )
  // The map's timings apply to a map at a URL.
  t.same(loadConfig({ ...examples, PCWP_ROOM_MAP: 'https://maps.corp.example/pcwp/rooms.csv' }).warnings, [])
})

interface Compose {
  services: Record<string, {
    env_file?: unknown, environment?: Record<string, string>, volumes?: string[], ports?: string[], networks?: unknown
  }>
}

const compose = parse(await readFile(new URL('docker-compose.yml', ROOT), 'utf8')) as Compose
const service = compose.services['pcwp-links']
const environment = service?.environment ?? {}

t.test('docker compose runs the shipped nginx files in front of the service', async t => {
  const nginx = compose.services.nginx
  for (const name of Object.keys(environment)) t.ok(CONFIG_VARIABLES.includes(name), `${name} is read by the service`)
  const shipped = (await readdir(new URL('deploy/nginx/', ROOT))).filter(name => name.endsWith('.conf')).sort()
  t.same(shipped, ['nginx.conf', 'pcwp-proxy.conf', 'pcwp-upstream.conf'])
  t.same(nginx?.volumes, shipped.map(name => `./deploy/nginx/${name}:/etc/nginx/${name}:ro`),
    'nginx mounts every shipped file')
  t.same(nginx?.ports, ['8080:8080', '8081:8081'], 'both listeners are published')
  t.match(nginx?.networks, { pcwp: { ipv4_address: environment.PCWP_TRUST_PROXY } },
    'the service trusts nginx, and only nginx')
  t.equal(environment.PCWP_NETWORK_HEADER, 'X-Network-Zone')
  t.match(await readFile(new URL('deploy/nginx/pcwp-proxy.conf', ROOT), 'utf8'),
    /^proxy_set_header X-Network-Zone \$pcwp_zone;$/m, 'the header nginx sets')
})

// `${NAME:-default}`, the only interpolation docker-compose.yml uses: NAME from
// the shell or .env (the shell wins), else the default.
const PASSED = /^\$\{([A-Za-z_][A-Za-z0-9_]*):-([^}$]*)\}$/

/** The service's environment as compose hands it over, `dotEnv` the .env file, the room map's mount mapped here. */
function composed (dotEnv: Readonly<Record<string, string>>): Record<string, string> {
  const env = Object.fromEntries(Object.entries(environment).map(([name, value]) => {
    const passed = PASSED.exec(value)
    return [name, passed === null ? value : (dotEnv[passed[1] as string] ?? '') || (passed[2] as string)]
  }))
  // The volume's source, at its container path.
  const mount = service?.volumes?.map(volume => volume.split(':')).find(([, target]) => target === env.PCWP_ROOM_MAP)
  if (mount !== undefined) env.PCWP_ROOM_MAP = new URL(mount[0] as string, ROOT).pathname
  return env
}

t.test('docker compose passes .env through, and starts without one', async t => {
  t.equal(service?.env_file, undefined, 'no env_file: compose fails on a missing one')
  const imageEnv = parseDockerfile(await readFile(new URL('Dockerfile', ROOT), 'utf8')).at(-1)?.env ?? {}
  for (const [name, value] of Object.entries(environment)) {
    if (!value.includes('$')) continue
    t.equal(PASSED.exec(value)?.[1], name, `${name} is passed through as \${${name}:-…}, under its own name`)
  }
  // Every example variable, commented or not, set in .env to a value of its own: those compose passes
  // through arrive as set, each under its own name; the others compose or the image fixes.
  const probes = Object.fromEntries(lines.map(({ name }) => [name, `probe-${name}`]))
  const probed = composed(probes)
  for (const { name, active } of lines) {
    const commented = `${name} is commented out in .env.example`
    if (PASSED.test(environment[name] ?? '')) {
      t.equal(probed[name], probes[name], `${name} from .env reaches the service${active ? '' : ' (commented out)'}`)
    } else if (environment[name] !== undefined) t.notOk(active, `${commented}: compose sets it`)
    else t.ok(imageEnv[name] !== undefined && !active, `${commented}: the image sets it`)
  }
  const quickStart = composed({})
  t.ok(existsSync(quickStart.PCWP_ROOM_MAP ?? ''), 'the mounted room map is the shipped example')
  t.same(loadConfig({ ...imageEnv, ...quickStart }).warnings, [],
    'with no .env, the service starts in production (the example map is its source)')
  const active = Object.fromEntries(lines.filter(line => line.active).map(line => [line.name, line.value]))
  const copied = composed(active)
  for (const [name, value] of Object.entries(active)) t.equal(copied[name], value, `.env's ${name} arrives`)
  t.same(loadConfig({ ...imageEnv, ...copied }).warnings, [], 'with .env.example as .env, it starts too')
})
