// A leaf: the HTTP layer's pages and the catalogs' HTML texts both escape with it
// (docs/design.md "Which part may import which").
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'
}

/** Escapes text for HTML content and quoted attribute values. */
export function escapeHtml (text: string): string {
  return text.replace(/[&<>"']/g, c => ESCAPES[c] as string)
}
