import { getBOMEncoding, normalizeEncoding, TextDecoder } from '@exodus/bytes/encoding.js';
import sniffHtmlEncoding from 'html-encoding-sniffer';
import MIMEType from 'whatwg-mimetype';

/** Parsed Content-Type: lower-cased essence ("text/html") and its parameters. */
export interface MediaType {
  essence: string;
  params: Record<string, string>;
}

/**
 * Content-Type by the WHATWG MIME Sniffing algorithm (whatwg-mimetype), as browsers read it:
 * servers send junk, and a header that does not parse is no type at all, never a crash.
 */
export function parseContentType(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  const parsed = MIMEType.parse(header);
  if (parsed === null) return undefined;
  return { essence: parsed.essence, params: Object.fromEntries(parsed.parameters) };
}

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });

/**
 * The spec's last-resort "autodetect" step, as Firefox does it: undeclared bytes that are valid
 * UTF-8 are UTF-8 (almost every modern page); anything else gets the legacy default.
 */
function guessUndeclaredEncoding(bytes: Uint8Array): string {
  try {
    UTF8_STRICT.decode(bytes);
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

function decodeWith(charset: string, bytes: Uint8Array): string {
  // "replacement" (ISO-2022-KR and friends) is defined to decode a non-empty stream to one U+FFFD.
  if (charset === 'replacement') return bytes.byteLength === 0 ? '' : '\uFFFD';
  return new TextDecoder(charset).decode(bytes);
}

/**
 * Decodes a page as a browser would (WHATWG encoding sniffing): BOM, then the Content-Type
 * charset, then (HTML only) a <meta> charset in the first 1024 bytes, then autodetection.
 * Unknown labels are ignored as browsers ignore them; invalid bytes become U+FFFD.
 */
export function decodeHtmlBytes(bytes: Uint8Array, contentType?: string): { text: string; charset: string } {
  const type = parseContentType(contentType);
  const label = type?.params.charset;
  let charset: string;
  if (type?.essence === 'text/html' || type === undefined) {
    charset = sniffHtmlEncoding(bytes, {
      transportLayerEncodingLabel: label,
      defaultEncoding: guessUndeclaredEncoding(bytes),
    });
  } else {
    // text/plain and XHTML: no meta prescan (XML and plain text do not honour it).
    const fallback = type.essence === 'text/plain' ? guessUndeclaredEncoding(bytes) : 'utf-8';
    charset = getBOMEncoding(bytes) ?? (label !== undefined ? normalizeEncoding(label) : null) ?? fallback;
  }
  return { text: decodeWith(charset, bytes), charset };
}
