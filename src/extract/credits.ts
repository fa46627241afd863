/**
 * Credit and dateline lines: wire datelines ("BRUSSELS (AA) –", "WASHINGTON (Reuters) -",
 * "(AP) —", "(EFE).-"), "Source:"/"Quelle:" lines, photo credits and reporting/editing credits.
 * These show who the text really comes from, which is what syndication enforcement needs.
 */

/** Paragraphs at the top of the article that may open with a dateline. */
const DATELINE_PARAGRAPHS = 3;
/** Credit lines are short; longer paragraphs that start with "Source:" are prose. */
const MAX_CREDIT_LINE_CHARS = 200;

/** "CITY[, Country] (AGENCY) –" or "(AGENCY) –" at the start of a paragraph. */
const DATELINE =
  /^((?:\p{Lu}[\p{Lu}\p{Ll}.'’ -]{1,40}?(?:,\s*[\p{L}. ]{2,30})?\s*)?\((?:\p{Lu}[\p{L}.&/ -]{0,24})\)\s*\.?\s*[-–—:])/u;
/** "CITY, Date (AGENCY) -" as some agencies write it. */
const DATELINE_WITH_DATE = /^(\p{Lu}[\p{Lu} .'-]{1,40},\s*[\p{L}\d. ]{3,30}\s*\((?:\p{Lu}[\p{L}.&/ -]{0,24})\)\s*[-–—:])/u;

const CREDIT_LINE =
  /^(?:source|sources|quelle|quellen|fuente|fuentes|fonte|źródło|zrodlo|photo|photos|foto|fotos|image|images|bild|bilder|picture|credit|credits|crédit|crédits|crédito|mit material von|material|with reporting by|additional reporting by|reporting by|editing by|compiled by|text|texto|redaktion|agencias|agencies|agences)\s*(?:[:/]|by\b)\s*\S/i;
const REPORTING_LINE = /^(?:\(?(?:additional\s+)?reporting by|writing by|editing by|compiled by)\b/i;
/** Bare agency credits in parentheses or after a slash at the end of a text: "(dpa)", "/AFP". */
const TRAILING_AGENCY = /(?:^|\s)(\((?:\p{Lu}[\p{L}.&/ -]{0,24}|\p{Ll}[\p{L}.&/-]{1,12})\)|\/\s?\p{Lu}[\p{L}.&-]{1,12})\s*$/u;

export function findCredits(paragraphs: string[]): string[] {
  const found: string[] = [];
  const add = (s: string) => {
    const v = s.replace(/\s+/g, ' ').trim();
    if (v && !found.includes(v)) found.push(v);
  };
  paragraphs.slice(0, DATELINE_PARAGRAPHS).forEach((p) => {
    const m = DATELINE_WITH_DATE.exec(p) ?? DATELINE.exec(p);
    if (m) add(m[1]);
  });
  for (const paragraph of paragraphs) {
    for (const line of paragraph.split('\n')) {
      const l = line.trim();
      if (l.length > MAX_CREDIT_LINE_CHARS) continue;
      if (CREDIT_LINE.test(l) || REPORTING_LINE.test(l)) add(l);
    }
  }
  const last = paragraphs[paragraphs.length - 1];
  if (last) {
    const m = TRAILING_AGENCY.exec(last);
    if (m && !found.some((f) => f.includes(m[1]))) add(m[1]);
  }
  return found;
}
