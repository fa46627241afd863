/**
 * A strict reader of the Prometheus text exposition format (0.0.4) for tests: every line must be
 * a HELP, a TYPE or a sample, or parsing throws naming the line. prom-client has no parser.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) .*$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*)?\\})? (-?[0-9]+(?:\\.[0-9]+)?(?:e[+-]?[0-9]+)?|[Nn][Aa][Nn]|[+-][Ii]nf)$`);
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g;

function unescapeLabel(value: string): string {
  return value.replace(/\\([\\"n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

// Prometheus reads special values as Go's ParseFloat does, ignoring case (prom-client writes `Nan`).
function parseValue(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return Number(text);
}

export function parsePrometheusText(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [i, line] of lines.entries()) {
    if (line === '' || HELP_LINE.test(line)) continue;
    const type = TYPE_LINE.exec(line);
    if (type) {
      if (types.has(type[1])) throw new Error(`line ${i + 1}: a second TYPE for ${type[1]}`);
      types.set(type[1], type[2]);
      continue;
    }
    const sample = SAMPLE_LINE.exec(line);
    if (!sample) throw new Error(`line ${i + 1} is not in the text format: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const m of (sample[2] ?? '').matchAll(LABEL_PAIR)) labels[m[1]] = unescapeLabel(m[2]);
    samples.push({ name: sample[1], labels, value: parseValue(sample[3]) });
  }
  return { samples, types };
}

/** The samples named `name` whose labels include every pair of `labels`. */
export function findSamples(samples: Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The one sample named `name` with exactly these labels (undefined when absent). */
export function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.keys(labels).length;
  return findSamples(samples, name, labels).find((s) => Object.keys(s.labels).length === wanted)?.value;
}
