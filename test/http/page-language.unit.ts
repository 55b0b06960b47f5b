// WCAG 3.1.1 (language of page) on every HTML page in every built-in language:
// <html lang> names the language the page's text is in, the reader's
// negotiated tag in full (a Chinese page names its script's region, zh-TW or
// zh-CN, not just "zh"), and the heading is in that language's script. axe
// checks only that the tag is valid; its other rules run on every page in
// test/e2e/accessibility.test.ts.
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { BUILT_IN_LOCALES_DIR, loadCatalogs } from '../../src/i18n/index.ts'
import { app } from '../fixtures/app.ts'
import { HTML_PAGES, partialEnv, type PageSetup } from '../fixtures/pages.ts'

const LANGUAGES = loadCatalogs({ builtInDir: BUILT_IN_LOCALES_DIR }).languages
/** Chinese and Japanese characters: Han and kana. */
const CJK = /[\u3040-\u30ff\u3400-\u9fff]/
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

t.test('every HTML page says the language of its text, in every built-in language', async t => {
  const services: Record<PageSetup, FastifyInstance> = { demo: await app({}), partial: await app(await partialEnv(t)) }
  t.teardown(() => Promise.all(Object.values(services).map(async service => service.close())))
  t.equal(LANGUAGES.length, 10, 'the ten built-in catalogs')
  for (const language of LANGUAGES) {
    for (const { setup, path, status, lang: only } of HTML_PAGES) {
      const what = `${setup} ${path} for ${language}`
      const res = await services[setup].inject({
        url: path, headers: { 'accept-language': language, accept: BROWSER_ACCEPT }
      })
      t.equal(res.statusCode, status, `${what}: ${String(status)}`)
      const lang = /<html lang="([^"]*)">/.exec(res.body)?.[1] ?? ''
      const heading = (/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(res.body)?.[1] ?? '').replace(/<[^>]*>/g, '')
      t.equal(lang, only ?? language, `${what}: <html lang="${only ?? language}">`)
      t.equal(/^(?:ja|zh)\b/.test(lang), CJK.test(heading), `${what}: the heading "${heading}" is in lang="${lang}"'s script`)
    }
  }
})
