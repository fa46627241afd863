/**
 * Decodes an XML document's bytes the way XML itself says (XML 1.0 Appendix F): a byte-order mark
 * first, then the encoding named in the <?xml ... encoding="..."?> declaration, else UTF-8.
 * Feeds in ISO-8859-1 or windows-1252 are still common; decoding them as UTF-8 garbles titles.
 */

// The declaration must sit at the very start; 1 KiB is far more than any real one needs.
const DECLARATION_WINDOW = 1024;

function bomEncoding(bytes: Uint8Array): { encoding: string; skip: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  return undefined;
}

/** The encoding label to decode with: BOM, then declaration, then UTF-8. */
export function sniffXmlEncoding(bytes: Uint8Array): string {
  const bom = bomEncoding(bytes);
  if (bom) return bom.encoding;
  // The declaration is ASCII by definition, so a latin1 view of the first bytes is enough.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, DECLARATION_WINDOW)).toString('latin1');
  const m = /^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  if (m) {
    const label = m[1].toLowerCase();
    try {
      new TextDecoder(label);
      return label;
    } catch {
      // unknown label: fall through to UTF-8, the XML default
    }
  }
  return 'utf-8';
}

/** Bytes → string per sniffXmlEncoding; never throws (undecodable bytes become U+FFFD). */
export function decodeXmlBytes(bytes: Uint8Array): string {
  const bom = bomEncoding(bytes);
  const encoding = sniffXmlEncoding(bytes);
  return new TextDecoder(encoding).decode(bom ? bytes.subarray(bom.skip) : bytes);
}
