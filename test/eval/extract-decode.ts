import sniffHTMLEncoding from 'html-encoding-sniffer';
import { TextDecoder, getBOMEncoding } from '@exodus/bytes/encoding.js';

/**
 * Decodes page bytes the way a crawler must without HTTP headers: BOM first, then UTF-8 if the
 * bytes are valid UTF-8, then the charset the page declares (windows-1252 if none).
 */
export function decodePage(bytes: Uint8Array): { text: string; encoding: string } {
  const bom = getBOMEncoding(bytes);
  if (bom) return { text: new TextDecoder(bom).decode(bytes), encoding: bom };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const declared = sniffHTMLEncoding(bytes, { defaultEncoding: 'windows-1252' });
    return { text: new TextDecoder(declared).decode(bytes), encoding: declared };
  }
}
