/**
 * Reversed host keys: "www.example.com" is stored as "com.example.www.", so a domain and all its
 * sub-domains are one range of an ordinary index ("com.example." up to "com.example/"), in SQLite
 * and PostgreSQL alike.
 */
export function reverseHost(host: string): string {
  return `${host.toLowerCase().replace(/\.$/, '').split('.').reverse().join('.')}.`;
}

/** The [from, to) range of reversed hosts for a host, with or without its sub-domains. */
export function reversedHostRange(host: string, subdomains: boolean): { from: string; to: string; exact: string } {
  const exact = reverseHost(host);
  // '/' sorts right after '.', so every key that starts with `exact` lies below it.
  return subdomains ? { from: exact, to: `${exact.slice(0, -1)}/`, exact } : { from: exact, to: exact, exact };
}
