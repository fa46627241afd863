import { ROLE_VALUES, type Role } from '../../db/schema/auth.ts';

export { ROLE_VALUES as ROLES, type Role };

/** Who is asking: a user (session), a program (API key) or the operator at the machine (CLI). */
export interface Principal {
  kind: 'user' | 'key' | 'local';
  /** The user's or key's id (null for local). */
  id: number | null;
  role: Role;
  /** The licensee organisation a licensee user or key acts for. */
  licenseeId: number | null;
  /** What history rows record as "who": `user:EMAIL`, `key:ID:NAME` or `local`. */
  actor: string;
}

/** The CLI works on the database file directly, with the machine's access: an administrator. */
export const LOCAL_PRINCIPAL: Principal = { kind: 'local', id: null, role: 'admin', licenseeId: null, actor: 'local' };

export function isRole(value: string): value is Role {
  return (ROLE_VALUES as readonly string[]).includes(value);
}
