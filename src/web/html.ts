/**
 * HTML built from template literals where every interpolated value is escaped unless it is
 * already Html. Page text comes from hostile pages (a copier's page is the input we show), so
 * escaping is the default and raw text needs an explicit, greppable `trustedHtml()`.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

function renderValue(value: HtmlValue): string {
  if (value === null || value === undefined || value === false || value === true) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(renderValue).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += renderValue(values[i]) + strings[i + 1];
  return new Html(out);
}

/** Markup we produced ourselves (an SVG we drew, a JSON island escaped for a script tag). */
export function trustedHtml(text: string): Html {
  return new Html(text);
}

/** JSON for a `<script type="application/json">` island: `<` escaped so no `</script>` can close it. */
export function jsonIsland(id: string, value: unknown): Html {
  const json = JSON.stringify(value).replace(/</g, '\\u003c');
  return new Html(`<script type="application/json" id="${escapeHtml(id)}">${json}</script>`);
}
