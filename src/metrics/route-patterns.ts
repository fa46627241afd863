/**
 * The route pattern a request path falls under (`/api/reports/:id`, never `/api/reports/42`), so
 * metric labels stay as few as the routes are, whatever URLs clients send. Patterns are express
 * paths with `:name` segments and an optional trailing `/*` (everything below a prefix).
 */

export interface RoutePattern {
  method: string;
  path: string;
}

/** The label of a path no pattern covers (404s, probes): one series for all of them. */
export const UNMATCHED_ROUTE = 'unmatched';

interface Compiled {
  path: string;
  segments: string[];
  prefixOnly: boolean;
  /** '1' per literal segment, '0' per `:name`: a larger key is more specific (`/export` before `/:id`). */
  specificity: string;
}

function splitPath(path: string): string[] {
  // Express routes are not strict: `/api/reports/` is `/api/reports`.
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed === '/' ? [] : trimmed.slice(1).split('/');
}

function compile(pattern: string): Compiled {
  const prefixOnly = pattern.endsWith('/*');
  const segments = splitPath(prefixOnly ? pattern.slice(0, -2) : pattern);
  return { path: pattern, segments, prefixOnly, specificity: segments.map((s) => (s.startsWith(':') ? '0' : '1')).join('') };
}

function matches(c: Compiled, parts: string[]): boolean {
  if (c.prefixOnly ? parts.length <= c.segments.length : parts.length !== c.segments.length) return false;
  return c.segments.every((s, i) => (s.startsWith(':') ? parts[i].length > 0 : s === parts[i]));
}

/**
 * A matcher over the patterns `list()` gives. The list is read at the first request (routers
 * register their routes while the app is built) and again whenever its length changes.
 */
export function createRouteMatcher(list: () => readonly RoutePattern[]): (method: string, path: string) => string {
  let compiledFor = -1;
  let byMethod = new Map<string, Compiled[]>();
  const refresh = () => {
    const patterns = list();
    if (patterns.length === compiledFor) return;
    byMethod = new Map();
    for (const p of patterns) byMethod.set(p.method, [...(byMethod.get(p.method) ?? []), compile(p.path)]);
    compiledFor = patterns.length;
  };
  return (method, path) => {
    refresh();
    const parts = splitPath(path);
    // Express answers HEAD with the GET route.
    const candidates = byMethod.get(method === 'HEAD' ? 'GET' : method) ?? [];
    let best: Compiled | undefined;
    for (const c of candidates) {
      if (!matches(c, parts)) continue;
      if (!best || (best.prefixOnly && !c.prefixOnly) || (best.prefixOnly === c.prefixOnly && c.specificity > best.specificity)) best = c;
    }
    return best?.path ?? UNMATCHED_ROUTE;
  };
}
