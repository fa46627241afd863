/**
 * A browser-like client for the web pages in tests: keeps cookies, signs in through the form,
 * and posts forms with the CSRF token scraped from the last page it read (as a browser would
 * submit the page's own form).
 */
export interface WebClient {
  readonly base: string;
  get(path: string): Promise<{ status: number; text: string; location: string | null }>;
  /** Posts a form; `_csrf` comes from the last page read unless given. */
  post(path: string, fields: Record<string, string | string[]>, options?: { csrf?: boolean }): Promise<{ status: number; text: string; location: string | null }>;
  cookie(): string;
}

const TOKEN_PATTERN = /name="_csrf" value="([^"]+)"/;

export function createWebClient(base: string): WebClient {
  const jar = new Map<string, string>();
  let token: string | undefined;
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  function keep(response: Response): void {
    for (const set of response.headers.getSetCookie()) {
      const [pair] = set.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(set)) jar.delete(name);
      else jar.set(name, value);
    }
  }
  async function read(response: Response) {
    keep(response);
    const text = await response.text();
    const found = TOKEN_PATTERN.exec(text);
    if (found) token = found[1];
    return { status: response.status, text, location: response.headers.get('location') };
  }
  return {
    base,
    cookie,
    async get(path) {
      return read(await fetch(`${base}${path}`, { headers: { cookie: cookie() }, redirect: 'manual' }));
    },
    async post(path, fields, options = {}) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
      if (options.csrf !== false && token && !('_csrf' in fields)) body.append('_csrf', token);
      const response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded', origin: base },
        body: body.toString(),
        redirect: 'manual',
      });
      return read(response);
    },
  };
}

/** Signs in through the sign-in form; throws unless the server answered with a session. */
export async function signInAs(base: string, email: string, password: string): Promise<WebClient> {
  const client = createWebClient(base);
  await client.get('/login');
  const answer = await client.post('/login', { email, password, next: '/' });
  if (answer.status !== 303 || !client.cookie().includes('copyhound_session=')) throw new Error(`sign-in as ${email} failed: ${answer.status} ${answer.text.slice(0, 300)}`);
  return client;
}
