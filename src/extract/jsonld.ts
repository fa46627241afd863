/** JSON-LD blocks: flattened (arrays, @graph, nested mainEntity) and the article node picked out. */

export type JsonObject = Record<string, unknown>;

const ARTICLE_TYPES = /^(?:Article|NewsArticle|BlogPosting|Report|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|BackgroundNewsArticle|ReviewNewsArticle|ScholarlyArticle|TechArticle|LiveBlogPosting|SocialMediaPosting|Posting)$/;
const PAGE_TYPES = /^(?:WebPage|ItemPage|AboutPage|CollectionPage|Recipe|HowTo)$/;
/** JSON-LD nesting beyond this depth is not metadata worth reading. */
const MAX_DEPTH = 6;

export function parseJsonLd(sources: string[]): JsonObject[] {
  const out: JsonObject[] = [];
  const add = (value: unknown, depth: number) => {
    if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) add(v, depth + 1);
      return;
    }
    const obj = value as JsonObject;
    out.push(obj);
    if (obj['@graph']) add(obj['@graph'], depth + 1);
    if (obj.mainEntity && typeof obj.mainEntity === 'object') add(obj.mainEntity, depth + 1);
  };
  for (const source of sources) {
    const text = source.trim().replace(/^<!--|-->$/g, '').replace(/^\/\/<!\[CDATA\[|\/\/\]\]>$/g, '');
    if (!text) continue;
    try {
      add(JSON.parse(text), 0);
    } catch {
      // Broken JSON-LD is common (trailing commas, raw newlines); try once with control characters escaped.
      try {
        add(JSON.parse(text.replace(/[\u0000-\u001f]+/g, ' ')), 0);
      } catch {
        /* not readable: ignore */
      }
    }
  }
  return out;
}

export function typesOf(obj: JsonObject): string[] {
  const t = obj['@type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  return [];
}

export function findArticleNode(nodes: JsonObject[]): JsonObject | null {
  return (
    nodes.find((n) => typesOf(n).some((t) => ARTICLE_TYPES.test(t))) ??
    nodes.find((n) => typesOf(n).some((t) => PAGE_TYPES.test(t)) && (n.datePublished || n.headline)) ??
    null
  );
}

/** A plain string from a JSON-LD value: string, {name}, {@value}, or the first of an array. */
export function stringOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    for (const v of value) {
      const s = stringOf(v);
      if (s) return s;
    }
    return null;
  }
  if (value && typeof value === 'object') {
    const o = value as JsonObject;
    return stringOf(o.name) ?? stringOf(o['@value']) ?? stringOf(o.url) ?? null;
  }
  return null;
}

/** Names from a JSON-LD author-like value (string, Person, array of either). */
export function namesOf(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() ? [value.trim()] : [];
  if (Array.isArray(value)) return value.flatMap(namesOf);
  if (value && typeof value === 'object') {
    const name = (value as JsonObject).name;
    if (typeof name === 'string' && name.trim()) return [name.trim()];
  }
  return [];
}

/** Resolves {"@id": "..."} references against the other nodes (publisher in @graph pages). */
export function resolveRef(value: unknown, nodes: JsonObject[]): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as JsonObject;
    const id = o['@id'];
    if (typeof id === 'string' && Object.keys(o).length === 1) return nodes.find((n) => n['@id'] === id && n !== o) ?? value;
  }
  if (Array.isArray(value)) return value.map((v) => resolveRef(v, nodes));
  return value;
}
