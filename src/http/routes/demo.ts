import { Type, type FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { DEMO_BASE_PATH } from '../../service-routes.ts'
import { escapeHtml } from '../../html-escape.ts'
import { htmlPage } from '../html.ts'
import { single } from '../../single-value.ts'
import { pageSchema, queryValue } from '../schemas.ts'

const SAMPLE_ROOM = '61E092C7-89BB-4DC4-A3F5-8C23FA940FAB'

/**
 * Demo mode: a stand-in room management application, so that a first
 * `npm start` with nothing configured shows the whole flow in a browser.
 */
const demoRoutes: FastifyPluginCallbackTypebox = (app, _options, done) => {
  app.get('/', {
    schema: pageSchema('Demo mode: the landing page with sample links.', 'text/html'), config: { kind: 'demo' }
  }, (_request, reply) => {
    const links = [
      ['/rooms/new', 'Create a room'],
      [`/rooms/${SAMPLE_ROOM}`, 'Open a room by its GUID'],
      [`/rooms/${SAMPLE_ROOM.toLowerCase()}?lang=de`, 'The same room, in German'],
      [`/rooms?uri=${encodeURIComponent(`ma-chan://contoso.com/${SAMPLE_ROOM}`)}`, 'Open a room by its ma-chan:// room URI'],
      ['/rooms/not-a-room', 'An invalid room link'],
      ['/links', 'The link builder: turn a room URI into a link']
    ]
    const items = links.map(([href, label]) => `<li><a href="${escapeHtml(href as string)}">${escapeHtml(label as string)}</a> — <code>${escapeHtml(href as string)}</code></li>`).join('\n')
    return reply.type('text/html; charset=utf-8').send(htmlPage('pcwp-links (demo mode)', `
<p class="warn">Demo mode: no room management URL is configured, so links lead to a built-in stand-in.
Set <code>PCWP_BASE_URL_INTERNAL</code> and <code>PCWP_BASE_URL_EXTERNAL</code> to your persistent chat
room management application (for example <code>https://pool.example.com/PersistentChat/RM/</code>).</p>
<p>Try these links; each is answered with a redirect built as MS-OCGCWEB prescribes:</p>
<ul>
${items}
</ul>`))
  })

  app.get(DEMO_BASE_PATH, { schema: { ...pageSchema('Demo mode: the built-in stand-in for a room management application.', 'text/html'), querystring: Type.Object({ clientlang: queryValue(), id: queryValue() }) }, config: { kind: 'demo' } }, (request, reply) => {
    const clientlang = single(request.query.clientlang) ?? '(none)'
    const id = single(request.query.id)
    const action = id === undefined ? 'create a new room' : 'view or edit a room'
    return reply.type('text/html; charset=utf-8').send(htmlPage('Room management (demo)', `
<p class="warn">This is pcwp-links' built-in stand-in for a room management application. A real
deployment redirects to the persistent chat server's application instead.</p>
<p>The link asked to <strong>${action}</strong> (MS-OCGCWEB ${id === undefined ? '2.2.1' : '2.2.2'}).</p>
<dl>
<dt>clientlang</dt><dd><code>${escapeHtml(clientlang)}</code></dd>
${id === undefined ? '' : `<dt>id</dt><dd><code>${escapeHtml(id)}</code></dd>`}
<dt>Full URL</dt><dd><code>${escapeHtml(request.url)}</code></dd>
</dl>
<p><a href="/">Back to the demo links</a></p>`))
  })
  done()
}

export default demoRoutes
