/**
 * Escaping for everything the report puts into HTML or SVG. Owners, URLs, policy notes and cost
 * figures come from files anyone in the estate's repository may edit, so no value reaches the page
 * unescaped.
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * `text` safe as element content and as a quoted attribute value (HTML and SVG alike): the five
 * characters that can end either are replaced by entities.
 */
export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * `url` as an href, or undefined when it is not https: a manifest could otherwise smuggle in a
 * `javascript:` link, and a backend's plain-http address inside the environment's service network
 * opens nothing from a reader's browser. Escaped for an attribute.
 */
export function safeHref(url: string): string | undefined {
  return /^https:\/\//i.test(url) ? escapeHtml(url) : undefined;
}
