import { tokenize, type Tokens } from './tokenize.ts';

/**
 * Function words: a run of them alone ("one of the", "it is a") is shared by any two texts in a
 * language, so it is no evidence of copying. The most frequent function words of the languages
 * owned articles are mostly written in; a word missing here only makes a phrase count as content.
 */
const STOP_WORDS = [
  // English
  'a an the and or but nor so yet of to in on at by for with from into onto upon about as than then',
  'is are was were be been being am has have had having do does did done will would shall should can could may might must',
  'i me my we us our you your he him his she her it its they them their this that these those there here',
  'what which who whom whose when where why how not no yes all any each both some such own same other more most',
  'also very just only too again further once up down out off over under between through during before after above below',
  'if because while until unless although though whether said says',
  // German
  'der die das den dem des ein eine einer eines einem einen und oder aber nicht ist sind war waren sein hat haben',
  'ich du er sie es wir ihr mit von zu im am auf aus bei nach vor für über um als auch wie dass noch nur',
  // French
  'le la les un une des du de et ou mais est sont était été être avoir a ont il elle ils elles nous vous je',
  'ce cette ces qui que dans sur pour par avec pas plus ne se sa son ses au aux en',
  // Spanish, Italian, Portuguese
  'el los las una unos unas y o pero es son fue era ser está del al lo por para con sin su sus que se',
  'il lo gli una di da e ma non sono era essere ha hanno che per con nel della dei delle',
  'os as um uma e ou mas não é são foi era ser do da dos das no na em por para com que se',
];

const stopHashes = new Set<number>();
for (const line of STOP_WORDS) {
  const t = tokenize(line);
  for (let i = 0; i < t.count; i++) stopHashes.add(t.hashLo[i]);
}

/** For each word: 1 when it is a function word. */
export function markStopWords(tokens: Tokens): Uint8Array {
  const out = new Uint8Array(tokens.count);
  for (let i = 0; i < tokens.count; i++) out[i] = stopHashes.has(tokens.hashLo[i]) ? 1 : 0;
  return out;
}
