/// <reference lib="dom" />
// The link builder in real headless Chromium (Debian's, driven by playwright-core):
// paste a room URI, see the link, copy it, follow it, land on the expected Location;
// the same without script; no console errors, no CSP violations.
import { mkdirSync } from 'node:fs'
import t from 'tap'
import type { Page } from 'playwright-core'
import { listeningApp, ROOM } from '../fixtures/app.ts'
import { CHROMIUM_MISSING, launchChromium } from '../fixtures/chromium.ts'

const OUTPUT = new URL('../../test-output/', import.meta.url)

if (CHROMIUM_MISSING !== false) {
  t.plan(0, CHROMIUM_MISSING)
} else {
  // Demo mode (nothing configured), in this process: the service as a process is test/e2e/server.test.ts's.
  const origin = await listeningApp(t, {})
  const browser = await launchChromium(t)

  /** A page that records console errors and CSP violations. */
  async function open (javaScriptEnabled: boolean): Promise<{ page: Page, problems: string[] }> {
    const context = await browser.newContext({ javaScriptEnabled, locale: 'en-US' })
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin })
    const page = await context.newPage()
    const problems: string[] = []
    page.on('console', message => { if (message.type() === 'error') problems.push(message.text()) })
    page.on('pageerror', error => { problems.push(error.message) })
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', event => {
        console.error(`CSP violation: ${event.violatedDirective}`)
      })
    })
    return { page, problems }
  }

  t.test('with script: paste, see, copy, follow', async t => {
    const { page, problems } = await open(true)
    await page.goto(`${origin}/links`)
    await page.fill('#room', `ma-chan://contoso.com/${ROOM.toLowerCase()}`)
    await page.click('button[type=submit]')
    await page.waitForSelector('#result:not([hidden])')
    const link = await page.inputValue('#link')
    t.equal(link, `${origin}/rooms/${ROOM}`)
    t.equal(await page.textContent('#preview-internal'), `/demo/rm/?clientlang=en-US&id=${ROOM}`)
    t.equal(page.url(), `${origin}/links?room=${encodeURIComponent(`ma-chan://contoso.com/${ROOM.toLowerCase()}`)}&lang=en-US`, 'the address bar can be shared')
    await page.click('button[data-copy=link]')
    t.equal(await page.evaluate(async () => navigator.clipboard.readText()), link, 'the copy button copies the link')
    t.equal(await page.textContent('button[data-copy=link]'), 'Copied')
    mkdirSync(OUTPUT, { recursive: true })
    await page.screenshot({ path: new URL('links-page.png', OUTPUT).pathname, fullPage: true })

    const redirects: { status: number, location: string | undefined }[] = []
    page.on('response', response => {
      if (response.status() >= 300 && response.status() < 400) {
        redirects.push({ status: response.status(), location: response.headers().location })
      }
    })
    await page.goto(link)
    t.same(redirects, [{ status: 302, location: `/demo/rm/?clientlang=en-US&id=${ROOM}` }],
      'the link answers 302 to the room management URL')
    t.equal(page.url(), `${origin}/demo/rm/?clientlang=en-US&id=${ROOM}`)
    t.match(await page.textContent('h1'), 'Room management (demo)')

    t.same(problems, [], 'no console errors, no CSP violations')

    await page.goto(`${origin}/links`)
    await page.fill('#room', 'not a room')
    await page.click('button[type=submit]')
    await page.waitForSelector('#error:not([hidden])')
    t.match(await page.textContent('#error'), /A room URI looks like ma-chan:\/\//, 'invalid input: an inline message')
    t.equal(await page.isHidden('#result'), true)
    await page.click('#new-room')
    await page.waitForSelector('#result:not([hidden])')
    t.equal(await page.inputValue('#link'), `${origin}/rooms/new`)
    t.same(problems, ['Failed to load resource: the server responded with a status of 400 (Bad Request)'],
      "only the invalid room's 400, which Chromium reports for every failed fetch")
  })

  t.test('without script: the server renders the result', async t => {
    const { page, problems } = await open(false)
    await page.goto(`${origin}/links`)
    t.equal(await page.isHidden('button.copy'), true, 'no copy button without script')
    await page.fill('#room', ROOM.toLowerCase())
    await Promise.all([page.waitForURL(/room=/), page.click('button[type=submit]')])
    t.match(page.url(), `${origin}/links?lang=en-US&room=${ROOM.toLowerCase()}`)
    t.equal(await page.inputValue('#link'), `${origin}/rooms/${ROOM}`)
    t.equal(await page.textContent('#preview-external'), `/demo/rm/?clientlang=en-US&id=${ROOM}`)
    t.same(problems, [])
  })
}
