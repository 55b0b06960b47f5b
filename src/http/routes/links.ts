import type { FastifyRequest } from 'fastify'
import { Type, type FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { NETWORK_ZONES, parseRoomId, resolveBaseUrl, type NetworkZone, type RoomIdError } from '../../pcwp/index.js'
import { roomManagementUrl } from '../../pcwp/url.js'
import { readPackageFile } from '../../package-files.js'
import { escapeHtml, htmlPage } from '../html.js'
import { single } from '../request-values.js'

// The page's own script and style sheet, served from this origin so that the
// Content-Security-Policy needs no 'unsafe-inline'.
const ASSETS = {
  'links.js': { type: 'text/javascript; charset=utf-8', body: readPackageFile('public/links.js') },
  'links.css': { type: 'text/css; charset=utf-8', body: readPackageFile('public/links.css') }
}
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
// A Host (or trusted X-Forwarded-Host) fit to print in a link: a name or an address, and a port.
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/

const TEXT = {
  en: {
    title: 'Room link builder',
    intro: 'Paste a room URI (ma-chan://…) or a room GUID to get a link for e-mails, bookmarks and portals. The link always opens the room management application in the reader\'s language, from inside or outside the network.',
    label: 'Room URI or GUID',
    make: 'Make link',
    newRoom: 'Link to create a room',
    link: 'Link',
    snippet: 'HTML for a portal page',
    copy: 'Copy',
    copied: 'Copied',
    preview: 'Where it leads',
    internal: 'A reader inside the network',
    external: 'A reader outside the network',
    disabled: 'room management is not available (no base URL for this zone)',
    anchor: 'Open the chat room',
    anchorNew: 'Create a chat room',
    invalid: 'That is not a room. A room URI looks like ma-chan://contoso.com/61E092C7-89BB-4DC4-A3F5-8C23FA940FAB; a room GUID like 61E092C7-89BB-4DC4-A3F5-8C23FA940FAB.'
  },
  de: {
    title: 'Raumlinks erstellen',
    intro: 'Fügen Sie einen Raum-URI (ma-chan://…) oder eine Raum-GUID ein, um einen Link für E-Mails, Lesezeichen und Portale zu erhalten. Der Link öffnet die Raumverwaltung immer in der Sprache des Lesers, innerhalb wie außerhalb des Netzwerks.',
    label: 'Raum-URI oder GUID',
    make: 'Link erstellen',
    newRoom: 'Link zum Erstellen eines Raums',
    link: 'Link',
    snippet: 'HTML für eine Portalseite',
    copy: 'Kopieren',
    copied: 'Kopiert',
    preview: 'Wohin er führt',
    internal: 'Ein Leser im Netzwerk',
    external: 'Ein Leser außerhalb des Netzwerks',
    disabled: 'Raumverwaltung nicht verfügbar (keine Basis-URL für diese Zone)',
    anchor: 'Chatraum öffnen',
    anchorNew: 'Chatraum erstellen',
    invalid: 'Das ist kein Raum. Ein Raum-URI sieht so aus: ma-chan://contoso.com/61E092C7-89BB-4DC4-A3F5-8C23FA940FAB; eine Raum-GUID so: 61E092C7-89BB-4DC4-A3F5-8C23FA940FAB.'
  }
} as const

type Texts = typeof TEXT[keyof typeof TEXT]

/** What the page shows for one input: the JSON representation of /links. */
export interface LinkResult {
  readonly link: string
  readonly snippet: string
  /** The room management URL a reader in each zone lands on; null: disabled. */
  readonly preview: Record<NetworkZone, string | null>
}

// Any value is accepted; repeated ones count as absent.
const queryValue = Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())]))
const linksQuery = Type.Object({ room: queryValue, new: queryValue, lang: queryValue })

/**
 * GET /links: the link builder page (DESIGN.md "Other surfaces"). It works
 * without script: `?room=…` or `?new=1` render the result on the server, and
 * the same URL with `Accept: application/json` is what the script fetches.
 */
const linkRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  const { config, override } = app
  for (const [name, asset] of Object.entries(ASSETS)) {
    app.get(`/links/${name}`, { schema: { hide: true }, config: { kind: 'asset' } }, (_request, reply) => reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body))
  }

  app.get('/links', { schema: { hide: true, querystring: linksQuery }, config: { kind: 'links' } }, (request, reply) => {
    const clientlang = app.negotiateLanguage(single(request.query.lang), request.headers['accept-language'])
    const text = clientlang.startsWith('de-') ? TEXT.de : TEXT.en
    const room = single(request.query.room)?.trim()
    const wantsNew = single(request.query.new) !== undefined
    let result: LinkResult | undefined
    let invalid = false
    if (wantsNew || (room !== undefined && room !== '')) {
      try {
        result = linkFor(wantsNew ? undefined : parseRoomId(room as string), clientlang, origin(request), text)
      } catch (error) {
        invalid = (error as RoomIdError).code.startsWith('PCWP_ROOM_')
      }
    }
    reply.header('cache-control', 'no-store').header('content-security-policy', CSP).header('vary', 'Accept, Accept-Language')
    if (request.headers.accept?.includes('application/json') === true) {
      return invalid
        ? reply.code(400).send({ error: 'PCWP_ROOM_ID_INVALID', message: text.invalid })
        : reply.send(result ?? null)
    }
    return reply.code(invalid ? 400 : 200).type('text/html; charset=utf-8').send(page(text, clientlang, room ?? '', result, invalid))
  })

  function linkFor (id: string | undefined, clientlang: string, base: string, text: Texts): LinkResult {
    const link = `${base}/rooms/${id ?? 'new'}`
    const preview = Object.fromEntries(NETWORK_ZONES.map(zone => {
      const zoneBase = resolveBaseUrl(override?.current(), config.baseUrls, zone)
      return [zone, zoneBase === undefined ? null : roomManagementUrl(zoneBase, clientlang, id)]
    })) as Record<NetworkZone, string | null>
    return { link, snippet: `<a href="${escapeHtml(link)}">${id === undefined ? text.anchorNew : text.anchor}</a>`, preview }
  }
  done()
}

export default linkRoutes

/** This service's own origin as the reader sees it; '' (relative links) when the Host is unfit to print. */
function origin (request: FastifyRequest): string {
  return HOST.test(request.host) ? `${request.protocol}://${request.host}` : ''
}

function page (text: Texts, clientlang: string, room: string, result: LinkResult | undefined, invalid: boolean): string {
  const lang = text === TEXT.de ? 'de' : 'en'
  const copyable = (id: string, label: string, value: string) => `
<div class="field">
<label for="${id}">${escapeHtml(label)}</label>
<div class="copy-row"><input id="${id}" readonly value="${escapeHtml(value)}"><button type="button" class="copy" data-copy="${id}" data-copied="${escapeHtml(text.copied)}" hidden>${escapeHtml(text.copy)}</button></div>
</div>`
  const previewRow = (zone: NetworkZone, label: string) => {
    const target = result?.preview[zone] ?? null
    return `<dt>${escapeHtml(label)}</dt><dd id="preview-${zone}" class="${target === null ? 'disabled' : ''}">${escapeHtml(target ?? text.disabled)}</dd>`
  }
  const body = `<p>${escapeHtml(text.intro)}</p>
<form method="get" action="/links" id="builder">
<input type="hidden" name="lang" value="${escapeHtml(clientlang)}">
<div class="field">
<label for="room">${escapeHtml(text.label)}</label>
<input id="room" name="room" value="${escapeHtml(room)}" autocomplete="off" spellcheck="false" placeholder="ma-chan://contoso.com/61E092C7-89BB-4DC4-A3F5-8C23FA940FAB" aria-describedby="error" aria-invalid="${String(invalid)}">
</div>
<p id="error" class="error" role="alert"${invalid ? '' : ' hidden'}>${escapeHtml(text.invalid)}</p>
<div class="actions"><button type="submit">${escapeHtml(text.make)}</button> <a id="new-room" href="/links?new=1&amp;lang=${escapeHtml(clientlang)}">${escapeHtml(text.newRoom)}</a></div>
</form>
<section id="result" aria-live="polite"${result === undefined ? ' hidden' : ''}>
${copyable('link', text.link, result?.link ?? '')}
${copyable('snippet', text.snippet, result?.snippet ?? '')}
<h2>${escapeHtml(text.preview)}</h2>
<dl>
${previewRow('internal', text.internal)}
${previewRow('external', text.external)}
</dl>
<p id="disabled-text" hidden>${escapeHtml(text.disabled)}</p>
</section>`
  return htmlPage(text.title, body, { lang, head: '<link rel="stylesheet" href="/links/links.css">\n<script src="/links/links.js" defer></script>' })
}
