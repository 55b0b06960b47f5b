/// <reference lib="dom" />
// Every HTML page the service serves (test/fixtures/pages.ts), checked in real
// headless Chromium (Debian's, driven by playwright-core) with axe-core's WCAG
// 2.1 A and AA rules and, since axe has no rule for it, a visible keyboard
// focus; and the link builder worked with the keyboard alone (docs/design.md
// "Other surfaces"). The rules check structure and style, one set of templates
// and one style sheet whatever the language, so they run once, in English: a
// language changes the text only, every catalog has every key, non-empty
// (test/i18n/catalogs.unit.ts), and each page's lang in every language is
// test/http/page-language.unit.ts's.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import t from 'tap'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import type { AxeResults, NodeResult, Result } from 'axe-core'
import { listeningApp, ROOM } from '../fixtures/app.ts'
import { CHROMIUM_MISSING, launchChromium } from '../fixtures/chromium.ts'
import { HTML_PAGES, partialEnv, type PageSetup } from '../fixtures/pages.ts'

const ENGLISH = 'en-US'
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** One axe violation, as printed when the test fails. */
interface Violation {
  readonly id: string
  readonly impact: string | null
  readonly help: string
  readonly nodes: string[]
}

/**
 * An element that had the keyboard focus: its id (or tag and type), its place in the document and what is wrong with
 * its focus indicator ('' when nothing).
 */
interface Focused { readonly element: string, readonly index: number, readonly problem: string }

/** A context that reads pages as an English reader does: locale and Accept-Language. */
async function englishContext (browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  return browser.newContext({ locale: ENGLISH, extraHTTPHeaders: { 'accept-language': ENGLISH }, ...options })
}

/**
 * Runs axe's WCAG 2.1 A/AA rules on the page as it stands (axe injected by the context); how many rules passed, and
 * the violations.
 */
async function axeCheck (page: Page): Promise<{ passed: number, violations: Violation[] }> {
  const results = await page.evaluate(async tags => {
    const { axe } = window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }
    return axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
  }, WCAG_TAGS)
  return {
    passed: results.passes.length,
    violations: results.violations.map((violation: Result) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      nodes: violation.nodes.map((node: NodeResult) => `${node.target.join(' ')}: ${node.failureSummary ?? ''}`)
    }))
  }
}

/**
 * What the keyboard focus is on, and whether it can be seen: an outline at
 * least 2px wide with a 3:1 contrast to the background around the element
 * (WCAG 1.4.11; with a positive outline-offset the outline is drawn on that
 * background), or a box-shadow. Null when nothing on the page has the focus.
 */
async function focusState (page: Page): Promise<Focused | null> {
  return page.evaluate(() => {
    const element = document.activeElement
    if (element === null || element === document.body) return null
    const luminance = (color: string): number | null => {
      const channels = /^rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)$/.exec(color)
      if (channels === null || channels[4] === '0') return null
      const [r, g, b] = channels.slice(1, 4).map(channel => {
        const c = Number(channel) / 255
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
      }) as [number, number, number]
      return 0.2126 * r + 0.7152 * g + 0.0722 * b
    }
    let around: number | null = null
    for (let parent = element.parentElement; parent !== null && around === null; parent = parent.parentElement) {
      around = luminance(getComputedStyle(parent).backgroundColor)
    }
    around ??= 1
    const style = getComputedStyle(element)
    const type = element.getAttribute('type')
    const name = element.id === ''
      ? `${element.tagName.toLowerCase()}${type === null ? '' : `[type=${type}]`}`
      : `#${element.id}`
    const index = Array.prototype.indexOf.call(document.getElementsByTagName('*'), element)
    if (style.boxShadow !== 'none') return { element: name, index, problem: '' }
    const ring = luminance(style.outlineColor)
    const contrast = ring === null ? 1 : (Math.max(ring, around) + 0.05) / (Math.min(ring, around) + 0.05)
    const problem = style.outlineStyle === 'none' || Number.parseFloat(style.outlineWidth) < 2
      ? `no visible outline (${style.outlineStyle} ${style.outlineWidth})`
      : contrast < 3 ? `outline colour ${style.outlineColor} has a contrast of ${contrast.toFixed(2)}:1 to the background` : ''
    return { element: name, index, problem }
  })
}

/**
 * From the element that has the focus (or, with none, the page's start),
 * presses Tab until the focus leaves the page or comes round again, and
 * returns every element focused on the way.
 */
async function tabThrough (page: Page): Promise<Focused[]> {
  const seen: Focused[] = []
  let focused = await focusState(page)
  if (focused === null) {
    await page.keyboard.press('Tab')
    focused = await focusState(page)
  }
  while (focused !== null && focused.index !== seen[0]?.index) {
    if (seen.length === 30) throw new Error(`Tab never left the page: ${seen.map(({ element }) => element).join(', ')}`)
    seen.push(focused)
    await page.keyboard.press('Tab')
    focused = await focusState(page)
  }
  return seen
}

/** Presses Tab until `selector` has the focus; fails after 30 presses. */
async function tabTo (page: Page, selector: string): Promise<void> {
  for (let presses = 0; presses < 30; presses++) {
    if (await page.evaluate(wanted => document.activeElement?.matches(wanted) === true, selector)) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`Tab never reached ${selector}`)
}

if (CHROMIUM_MISSING !== false) {
  t.plan(0, CHROMIUM_MISSING)
} else {
  const browser = await launchChromium(t)

  const origins: Record<PageSetup, string> = {
    demo: await listeningApp(t, {}),
    partial: await listeningApp(t, await partialEnv(t))
  }

  t.test('every page: no WCAG 2.1 A/AA violations, a visible keyboard focus', async t => {
    // The pages' strict CSP (script-src 'self') would block the injected axe
    // script, so this context bypasses it; test/e2e/links-browser.test.ts checks the CSP.
    const context = await englishContext(browser, { bypassCSP: true })
    t.teardown(() => context.close())
    await context.addInitScript({ content: AXE_SOURCE })
    const page = await context.newPage()
    for (const { setup, path, status } of HTML_PAGES) {
      const url = `${origins[setup]}${path}`
      const response = await page.goto(url)
      t.equal(response?.status(), status, `${url} answers ${String(status)}`)
      const { passed, violations } = await axeCheck(page)
      t.ok(passed > 0, `${url}: axe ran its rules`)
      // On failure the diff lists each violation: rule id, impact, help and the nodes (target: summary).
      t.same(violations, [], `${url}: no WCAG 2.1 A/AA violations`)
      t.same((await tabThrough(page)).filter(({ problem }) => problem !== ''), [],
        `${url}: every element shows a visible keyboard focus`)
    }
  })

  t.test('/links by keyboard alone', async t => {
    const context = await englishContext(browser)
    t.teardown(() => context.close())
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: origins.demo })
    const page = await context.newPage()
    await page.goto(`${origins.demo}/links`)

    const before = await tabThrough(page)
    t.same(before.map(({ element }) => element), ['#room', 'button[type=submit]', '#new-room'], 'Tab reaches the input, the button and the new-room link, in that order')
    t.same(before.filter(({ problem }) => problem !== ''), [], 'each shows a visible focus indicator')

    await tabTo(page, '#room')
    await page.keyboard.type(ROOM.toLowerCase())
    await page.keyboard.press('Enter')
    await page.waitForSelector('#result:not([hidden])', { timeout: 5_000 })
    t.equal(await page.inputValue('#link'), `${origins.demo}/rooms/${ROOM}`, 'Enter in the input makes the link')

    const after = await tabThrough(page)
    t.same(after.map(({ element }) => element),
      ['#room', 'button[type=submit]', '#new-room', '#link', 'button[type=button]', '#snippet', 'button[type=button]'],
      'with a result, Tab also reaches each copyable field and its copy button')
    t.same(after.filter(({ problem }) => problem !== ''), [], 'each shows a visible focus indicator')

    await tabTo(page, 'button[data-copy=link]')
    await page.keyboard.press('Enter')
    await page.waitForFunction(
      () => document.querySelector('button[data-copy=link]')?.textContent === 'Copied',
      undefined,
      { timeout: 5_000 }
    )
    t.equal(await page.evaluate(async () => navigator.clipboard.readText()), `${origins.demo}/rooms/${ROOM}`,
      'Enter on a copy button copies the link')
    await tabTo(page, 'button[data-copy=snippet]')
    await page.keyboard.press('Space')
    await page.waitForFunction(
      () => document.querySelector('button[data-copy=snippet]')?.textContent === 'Copied',
      undefined,
      { timeout: 5_000 }
    )
    t.match(await page.evaluate(async () => navigator.clipboard.readText()), `<a href="${origins.demo}/rooms/${ROOM}">`,
      'Space on a copy button copies the snippet')

    await tabTo(page, '#new-room')
    await page.keyboard.press('Enter')
    await page.waitForFunction(
      () => (document.getElementById('link') as HTMLInputElement).value.endsWith('/rooms/new'),
      undefined,
      { timeout: 5_000 }
    )
    t.equal(await page.inputValue('#link'), `${origins.demo}/rooms/new`,
      'Enter on the new-room link makes the link to create a room')
  })
}
