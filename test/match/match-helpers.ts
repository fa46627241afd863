/** Deterministic pseudo-text for tests: Zipf-like words w0..w1999 in sentences and paragraphs. */
export function makeText(seed: number, words: number): string {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    // Zipf-like: index ~ 2000^u - 1 spreads over a few frequent and many rare words.
    let w = `w${Math.floor(Math.pow(2000, rand())) - 1}`;
    if (i % 12 === 0) w = w[0].toUpperCase() + w.slice(1);
    out.push(w);
    if (i % 12 === 11) out[out.length - 1] += '.';
    if (i % 60 === 59) out[out.length - 1] += '\n\n';
  }
  return out.join(' ').replace(/\n\n /g, '\n\n').trim();
}
