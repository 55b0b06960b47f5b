import fp from 'fastify-plugin'
import { createLanguageNegotiator, type LanguageNegotiator } from '../../negotiate/language.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The `clientlang` for a request (docs/design.md "Language"); one negotiator, so one bounded cache. */
    readonly negotiateLanguage: LanguageNegotiator
  }
}

export default fp((app, _options, done) => {
  app.decorate('negotiateLanguage', createLanguageNegotiator({
    supported: app.config.languages, defaultLanguage: app.config.defaultLanguage
  }))
  done()
}, { name: 'language', dependencies: ['config'] })
