// The room-map-url scenario's map server: the generated map over HTTPS on
// 127.0.0.1, with a self-signed certificate the service trusts through
// NODE_EXTRA_CA_CERTS; an ETag per version and a 304 to a matching
// If-None-Match. It counts what it answers.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'

const BLOCK = 64 * 1024

export interface Certificate {
  /** The certificate's PEM file: the service's NODE_EXTRA_CA_CERTS. */
  readonly certFile: string
  readonly key: string
  readonly cert: string
}

/**
 * A key and a certificate for 127.0.0.1 (P-256, valid for a day) made with
 * openssl, as the tests' HTTPS upstreams get theirs, written to `dir`.
 */
export async function selfSignedCertificate (dir: string): Promise<Certificate> {
  mkdirSync(dir, { recursive: true })
  const keyFile = join(dir, 'key.pem')
  const certFile = join(dir, 'cert.pem')
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile
  ], { timeout: 30_000 })
  return { certFile, key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') }
}

/** A version of the map as served: its bytes, its ETag and its SHA-256 (what the service's /readyz should show). */
export interface ServedMap {
  readonly body: Buffer
  readonly etag: string
  readonly sha256: string
}

export function servedMap (body: Buffer): ServedMap {
  const sha256 = createHash('sha256').update(body).digest('hex')
  return { body, etag: `"${sha256.slice(0, 32)}"`, sha256 }
}

/** One GET of the map: its status, and performance.now() when it came. */
export interface MapFetch {
  readonly status: 200 | 304
  readonly at: number
}

export interface MapServer {
  /** https://127.0.0.1:<port>/rooms: no extension, the format is said by the media type. */
  readonly url: string
  /** Every GET of the map answered, in order. */
  readonly fetches: readonly MapFetch[]
  /** Serves `map` from the next request on. */
  readonly serve: (map: ServedMap) => void
  readonly close: () => Promise<void>
}

const matches = (ifNoneMatch: string | undefined, etag: string) =>
  ifNoneMatch?.split(',').some(tag => tag.trim().replace(/^W\//, '') === etag) === true

export async function startMapServer (certificate: Certificate, first: ServedMap): Promise<MapServer> {
  let map = first
  const fetches: MapFetch[] = []
  const server = createServer({ key: certificate.key, cert: certificate.cert }, (req, res) => {
    if (req.url !== '/rooms' || req.method !== 'GET') {
      res.writeHead(404).end()
      return
    }
    const headers = { etag: map.etag, 'cache-control': 'no-cache' }
    if (matches(req.headers['if-none-match'], map.etag)) {
      fetches.push({ status: 304, at: performance.now() })
      res.writeHead(304, headers).end()
      return
    }
    fetches.push({ status: 200, at: performance.now() })
    res.writeHead(200, { ...headers, 'content-type': 'text/csv; charset=utf-8', 'content-length': map.body.length })
    // In blocks as the connection takes them, as a file server sends a file: 36 MB encrypted at once would hold
    // this process, and the load generator in it, for tens of milliseconds.
    const { body } = map
    const blocks = Array.from(
      { length: Math.ceil(body.length / BLOCK) }, (_, i) => body.subarray(i * BLOCK, (i + 1) * BLOCK)
    )
    pipeline(Readable.from(blocks), res).catch(() => { /* the service went away: nothing to answer */ })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `https://127.0.0.1:${String((server.address() as AddressInfo).port)}/rooms`,
    fetches,
    serve: next => { map = next },
    close: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}
