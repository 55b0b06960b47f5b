import { escapeHtml } from '../html-escape.ts'

export interface PageOptions {
  readonly lang?: string
  /** Extra, already safe, <head> markup; by default the small inline style sheet. */
  readonly head?: string
}

/**
 * A small, self-contained HTML page. By default it has no external assets and
 * no script, so it works under the strictest Content-Security-Policy. `body`
 * must already be escaped HTML; `title` is escaped here.
 */
export function htmlPage (title: string, body: string, { lang = 'en', head = INLINE_STYLE }: PageOptions = {}): string {
  return `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
${head}
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`
}

// The focus rule is WCAG 2.4.7 (focus visible): a 3px outline in the link
// colour, 2px off the element, so that it has at least 3:1 contrast to the
// white page behind it (WCAG 1.4.11) and is not merely the browser's thin ring.
// public/links.css has the same rule for /links.
const INLINE_STYLE = `<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1b1b;background:#f6f6f6}
main{max-width:42rem;margin:3rem auto;padding:2rem;background:#fff;` +
`border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.5rem;margin-top:0}code{background:#eee;padding:0 .25em;border-radius:3px;word-break:break-all}
a{color:#0b5cad}.warn{background:#fff4ce;border-left:4px solid #c19c00;padding:.5rem 1rem}
dt{font-weight:600}dd{margin:0 0 .75rem 0}
:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
</style>`
