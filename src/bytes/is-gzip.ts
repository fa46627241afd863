/**
 * The one gzip sniff: sitemaps (.xml.gz, whatever their headers say) and import files (.gz,
 * whatever their name says) are told by their first bytes, not by a name or a header.
 */

/** ID1 and ID2, the two bytes every gzip member starts with (RFC 1952 §2.3.1). */
export const GZIP_MAGIC: readonly [number, number] = [0x1f, 0x8b];

/** True when the bytes start like a gzip stream. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}
