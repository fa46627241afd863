import type { Request } from 'express';

/**
 * Who made a request, recorded on what it writes (consents, report history). Accounts and API
 * keys arrive with the next issue and will answer here; until then every request is "local".
 */
export function actorOf(_req: Request): string {
  return 'local';
}
