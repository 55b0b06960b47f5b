import type { FastifyRequest } from 'fastify'
import { Type, type FastifyPluginCallbackTypebox, type TSchema } from '@fastify/type-provider-typebox'
import { NETWORK_ZONES, RoomIdError, type NetworkZone } from '../../pcwp/index.ts'
import { parseRoomLink } from '../../pcwp/room-id.ts'
import type { RoomMapEntry } from '../../roommap/index.ts'
import { expectedError } from '../../expected-error.ts'
import { answerRoomLink } from '../../room-answer.ts'
import { publicOrigin } from '../../negotiate/public-origin.ts'
import { readPackageFile } from '../../package-files.ts'
import { escapeHtml } from '../../html-escape.ts'
import { htmlPage } from '../html.ts'
import { prefersJson } from '../problems.ts'
import type { MessageKey, MessageValues } from '../../i18n/messages.ts'
import { single } from '../../single-value.ts'
import { pageSchema, problem, queryValue } from '../schemas.ts'

// The page's own script and style sheet, served from this origin so that the
// Content-Security-Policy needs no 'unsafe-inline'.
const ASSETS = {
  'links.js': { type: 'text/javascript; charset=utf-8', body: readPackageFile('public/links.js') },
  'links.css': { type: 'text/css; charset=utf-8', body: readPackageFile('public/links.css') }
}
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
/** What the page shows for one input: the JSON representation of /links. */
export interface LinkResult {
  readonly link: string
  readonly snippet: string
  /** Where a reader in each zone is sent; null: nowhere (room management disabled, or the room retired). */
  readonly preview: Record<NetworkZone, string | null>
  /** What the room map says of the room, and that in the page's language. */
  readonly status: { readonly kind: RoomMapEntry['kind'], readonly text: string }
}

/** The link builder's texts without placeholders, named without their `links.` prefix. */
type LinksKey = {
  [K in MessageKey]: K extends `links.${infer Part}` ? (MessageValues<K> extends [] ? Part : never) : never
}[MessageKey]

const linksSchema = {
  summary: 'The link builder: a room link, its HTML snippet and where it leads from each zone (JSON with Accept: application/json).',
  tags: ['pages'],
  querystring: Type.Object({ room: queryValue(), new: queryValue(), lang: queryValue() }),
  response: {
    200: {
      description: 'The page, or the result as JSON.',
      content: { 'text/html': { schema: Type.String() }, 'application/json': { schema: Type.Unknown() } }
    } as unknown as TSchema,
    400: problem('The input is not a room.')
  }
}

/**
 * GET /links: the link builder page (docs/design.md "Other surfaces"). It works
 * without script: `?room=…` or `?new=1` render the result on the server, and
 * the same URL with `Accept: application/json` is what the script fetches.
 */
const linkRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { config, override } = app
  for (const [name, asset] of Object.entries(ASSETS)) {
    app.get(`/links/${name}`, { schema: pageSchema(`The link builder's ${name.endsWith('.js') ? 'script' : 'style sheet'}.`, asset.type), config: { kind: 'asset' } }, (_request, reply) => reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body))
  }

  // An unfit forwarded or Host value is said once per process, not once per request.
  let warnedOrigin = false
  /** This service's own origin for printed links (docs/design.md "Other surfaces"); '' gives relative links. */
  function origin (request: FastifyRequest): string {
    const header = (name: string) => single(request.headers[name])
    const result = publicOrigin({
      configured: config.publicUrl,
      trustedPeer: request.trustedPeer,
      host: header('host'),
      forwardedHost: header('x-forwarded-host'),
      forwardedProto: header('x-forwarded-proto')
    })
    if ('rejected' in result && !warnedOrigin) {
      warnedOrigin = true
      request.log.warn({ reason: result.rejected },
        'links are printed relative: the request\'s address is unfit to print (set PCWP_PUBLIC_URL)')
    }
    return result.origin
  }

  app.get('/links', { schema: linksSchema, config: { kind: 'links' } }, (request, reply) => {
    const clientlang = app.negotiateLanguage(single(request.query.lang), request.headers['accept-language'])
    const lang = app.pageLanguage(request)
    const text = (key: LinksKey): string => app.catalogs.text(lang, `links.${key}`)
    const room = single(request.query.room)?.trim()
    const wantsNew = single(request.query.new) !== undefined
    let result: LinkResult | undefined
    let invalid = false
    if (wantsNew || (room !== undefined && room !== '')) {
      try {
        result = linkFor(wantsNew ? undefined : parseRoomLink(room as string), clientlang, origin(request), text, lang)
      } catch (error) {
        expectedError(error, RoomIdError)
        invalid = true
      }
    }
    reply.header('cache-control', 'no-store')
      .header('content-security-policy', CSP)
      .header('vary', 'Accept, Accept-Language')
    // Counted and logged as the room routes count an invalid room.
    if (invalid) request.problem = 'PCWP_ROOM_ID_INVALID'
    if (prefersJson(request)) {
      // The script shows the message as it is: in the page's language.
      return invalid
        ? reply.code(400).send({ error: 'PCWP_ROOM_ID_INVALID', message: text('invalid') })
        : reply.send(result ?? null)
    }
    return reply.code(invalid ? 400 : 200).header('content-language', lang).type('text/html; charset=utf-8')
      .send(page(text, lang, clientlang, room ?? '', result, invalid, app.contactLine(lang)))
  })

  /** The link, and where it leads a reader in each zone: the room routes' own answer (src/room-answer.ts). */
  function linkFor (
    id: string | undefined, clientlang: string, base: string, text: (key: LinksKey) => string, lang: string
  ): LinkResult {
    const link = `${base}/rooms/${id ?? 'new'}`
    const entry = app.roomEntry(id)
    const question = {
      room: id, clientlang, pageLanguage: lang, entry, override: override?.current(), baseUrls: config.baseUrls
    }
    const preview = Object.fromEntries(NETWORK_ZONES.map(zone => {
      const answer = answerRoomLink({ ...question, zone })
      return [zone, answer.kind === 'redirect' ? answer.location : null]
    })) as Record<NetworkZone, string | null>
    const status = entry.kind === 'moved'
      ? app.catalogs.text(lang, 'links.status.moved', { target: preview.internal as string })
      : app.catalogs.text(lang, `links.status.${entry.kind}`)
    return {
      link,
      snippet: `<a href="${escapeHtml(link)}">${escapeHtml(text(id === undefined ? 'anchorNew' : 'anchor'))}</a>`,
      preview,
      status: { kind: entry.kind, text: status }
    }
  }
  done()
}

export default linkRoutes

function page (
  text: (key: LinksKey) => string,
  lang: string,
  clientlang: string,
  room: string,
  result: LinkResult | undefined,
  invalid: boolean,
  contactLine: string
): string {
  const statusLabel = text('status.label')
  const copyable = (id: string, label: string, value: string) => `
<div class="field">
<label for="${id}">${escapeHtml(label)}</label>
<div class="copy-row"><input id="${id}" readonly value="${escapeHtml(value)}">` +
`<button type="button" class="copy" data-copy="${id}" data-copied="${escapeHtml(text('copied'))}" hidden>` +
`${escapeHtml(text('copy'))}</button></div>
</div>`
  const previewRow = (zone: NetworkZone, label: string) => {
    const target = result?.preview[zone] ?? null
    const nowhere = result?.status.kind === 'retired' ? result.status.text : text('disabled')
    return `<dt>${escapeHtml(label)}</dt><dd id="preview-${zone}" class="${target === null ? 'disabled' : ''}">${escapeHtml(target ?? nowhere)}</dd>`
  }
  const body = `<p>${escapeHtml(text('intro'))}</p>
<form method="get" action="/links" id="builder">
<input type="hidden" name="lang" value="${escapeHtml(clientlang)}">
<div class="field">
<label for="room">${escapeHtml(text('label'))}</label>
<input id="room" name="room" value="${escapeHtml(room)}" autocomplete="off" spellcheck="false" placeholder="ma-chan://contoso.com/61E092C7-89BB-4DC4-A3F5-8C23FA940FAB" aria-describedby="error" aria-invalid="${String(invalid)}">
</div>
<p id="error" class="error" role="alert"${invalid ? '' : ' hidden'}>${escapeHtml(text('invalid'))}</p>
<div class="actions"><button type="submit">${escapeHtml(text('make'))}</button> <a id="new-room"
 href="/links?new=1&amp;lang=${escapeHtml(clientlang)}">${escapeHtml(text('newRoom'))}</a></div>
</form>
<section id="result" aria-live="polite"${result === undefined ? ' hidden' : ''}>
${copyable('link', text('link'), result?.link ?? '')}
${copyable('snippet', text('snippet'), result?.snippet ?? '')}
<p><strong>${escapeHtml(statusLabel)}</strong>: <span id="status">${escapeHtml(result?.status.text ?? '')}</span></p>
<h2>${escapeHtml(text('preview'))}</h2>
<dl>
${previewRow('internal', text('internal'))}
${previewRow('external', text('external'))}
</dl>
<p id="disabled-text" hidden>${escapeHtml(text('disabled'))}</p>
</section>
${contactLine}`
  return htmlPage(text('title'), body, { lang, head: '<link rel="stylesheet" href="/links/links.css">\n<script src="/links/links.js" defer></script>' })
}
