/**
 * HTML built with a tagged template that escapes every interpolated value unless it is already `Html`: text from
 * SQL, the catalog or the database (identifiers, comments, queries of other sessions) can never become markup.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

type Part = Html | string | number | boolean | null | undefined | Part[];

function render(part: Part): string {
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  if (part === undefined || part === null || part === false || part === true) return '';
  return escapeHtml(String(part));
}

/** `html\`<p>${text}</p>\``: values are escaped, `Html` values and arrays of them are inserted as they are. */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Markup written by this module itself (the style sheet, the script): never data. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** A percentage for inline styles, from numbers only. */
export function pct(n: number): string {
  return `${Math.round(Math.min(100, Math.max(0, n)) * 1000) / 1000}%`;
}
