import type { FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Catalogs } from '../../i18n/index.ts'
import { boundedMemo } from '../../bounded-memo.ts'
import { escapeHtml } from '../../html-escape.ts'
import { single } from '../../single-value.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The page catalogs (locales/ and PCWP_LOCALES_DIR). */
    readonly catalogs: Catalogs
    /** The page language for a request: its `lang` parameter, then Accept-Language, against the catalogs that exist. */
    readonly pageLanguage: (request: FastifyRequest) => string
    /** The "who to ask" line under every page in `lang`, as HTML. */
    readonly contactLine: (lang: string) => string
  }
}

export interface PagesPluginOptions {
  readonly catalogs: Catalogs
}

/** What every page shares: its catalogs, its language and its contact line (docs/design.md "Language", "Errors"). */
export default fp<PagesPluginOptions>((app, { catalogs }, done) => {
  const { contactUrl, contactText } = app.config
  app.decorate('catalogs', catalogs)
  app.decorate('pageLanguage', (request: FastifyRequest) => {
    const query = request.query as Record<string, string | string[] | undefined> | undefined
    return catalogs.negotiator(single(query?.lang), request.headers['accept-language'])
  })
  // One line per language, the same for every page: made once.
  app.decorate('contactLine', boundedMemo((lang: string) => {
    const who = escapeHtml(contactText ?? catalogs.text(lang, 'contact.default'))
    const contact = contactUrl === undefined ? who : `<a href="${escapeHtml(contactUrl)}">${who}</a>`
    return `<p class="contact">${catalogs.html(lang, 'contact.line', { contact })}</p>`
  }, { entries: catalogs.languages.length, longestKey: Infinity }))
  done()
}, { name: 'pages', dependencies: ['config'] })
