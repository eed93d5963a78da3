/**
 * A strict parser of the Prometheus text exposition format (0.0.4): every sample belongs to a family
 * declared by `# HELP` and `# TYPE` before it, names and label names are valid, label values are
 * properly quoted and escaped, values are numbers, and histogram buckets are cumulative up to a `+Inf`
 * bucket equal to `_count`. Throws on the first violation.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const lines = text.split('\n');
  lines.pop();
  let current: Family | undefined;
  for (const [i, line] of lines.entries()) {
    const where = `line ${i + 1}: ${line}`;
    if (line === '') continue;
    if (line.startsWith('# HELP ')) {
      const rest = line.slice(7);
      const space = rest.indexOf(' ');
      const name = space === -1 ? rest : rest.slice(0, space);
      if (!NAME.test(name)) throw new Error(`bad metric name, ${where}`);
      if (families.has(name)) throw new Error(`family declared twice, ${where}`);
      current = { name, help: space === -1 ? '' : rest.slice(space + 1), type: 'untyped', samples: [] };
      families.set(name, current);
      continue;
    }
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ');
      if (!current || current.name !== name) throw new Error(`TYPE without its HELP, ${where}`);
      if (!type || !TYPES.has(type)) throw new Error(`bad type, ${where}`);
      current.type = type as Family['type'];
      continue;
    }
    if (line.startsWith('#')) continue;
    if (!current) throw new Error(`sample before any family, ${where}`);
    const sample = parseSample(line, where);
    const allowed =
      current.type === 'histogram'
        ? [`${current.name}_bucket`, `${current.name}_sum`, `${current.name}_count`]
        : [current.name];
    if (!allowed.includes(sample.name)) throw new Error(`sample outside its family ${current.name}, ${where}`);
    if (sample.name.endsWith('_bucket') && sample.labels.le === undefined)
      throw new Error(`bucket without le, ${where}`);
    current.samples.push(sample);
  }
  for (const family of families.values()) {
    if (family.type === 'counter' && !family.name.endsWith('_total')) {
      throw new Error(`counter ${family.name} should end in _total`);
    }
    if (family.type === 'histogram') checkHistogram(family);
  }
  return families;
}

function parseSample(line: string, where: string): Sample {
  const brace = line.indexOf('{');
  const firstSpace = line.indexOf(' ');
  const nameEnd = brace !== -1 && brace < firstSpace ? brace : firstSpace;
  const name = line.slice(0, nameEnd);
  if (!NAME.test(name)) throw new Error(`bad sample name, ${where}`);
  const labels: Record<string, string> = {};
  let at = nameEnd;
  if (line[at] === '{') {
    at += 1;
    while (line[at] !== '}') {
      const eq = line.indexOf('=', at);
      const label = line.slice(at, eq);
      if (!LABEL.test(label)) throw new Error(`bad label name "${label}", ${where}`);
      if (line[eq + 1] !== '"') throw new Error(`unquoted label value, ${where}`);
      let value = '';
      let j = eq + 2;
      for (;;) {
        const c = line[j];
        if (c === undefined) throw new Error(`unterminated label value, ${where}`);
        if (c === '"') break;
        if (c === '\\') {
          const next = line[j + 1];
          if (next === 'n') value += '\n';
          else if (next === '\\' || next === '"') value += next;
          else throw new Error(`bad escape, ${where}`);
          j += 2;
          continue;
        }
        value += c;
        j += 1;
      }
      if (label in labels) throw new Error(`label given twice, ${where}`);
      labels[label] = value;
      at = j + 1;
      if (line[at] === ',') at += 1;
      else if (line[at] !== '}') throw new Error(`expected , or }, ${where}`);
    }
    at += 1;
  }
  if (line[at] !== ' ') throw new Error(`expected a space before the value, ${where}`);
  const parts = line.slice(at + 1).split(' ');
  if (parts.length > 2) throw new Error(`trailing text, ${where}`);
  const raw = parts[0]!;
  const value = raw === '+Inf' ? Number.POSITIVE_INFINITY : raw === '-Inf' ? Number.NEGATIVE_INFINITY : Number(raw);
  if (raw === '' || (Number.isNaN(value) && raw !== 'NaN')) throw new Error(`bad value, ${where}`);
  return { name, labels, value };
}

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let s = series.get(key);
    if (!s) {
      s = { buckets: [] };
      series.set(key, s);
    }
    if (sample.name.endsWith('_bucket'))
      s.buckets.push([le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), sample.value]);
    else if (sample.name.endsWith('_count')) s.count = sample.value;
    else s.sum = sample.value;
  }
  for (const [key, s] of series) {
    let previous = -1;
    let bound = Number.NEGATIVE_INFINITY;
    for (const [le, value] of s.buckets) {
      if (!(le > bound)) throw new Error(`${family.name}${key}: buckets out of order`);
      if (value < previous) throw new Error(`${family.name}${key}: buckets not cumulative`);
      bound = le;
      previous = value;
    }
    if (bound !== Number.POSITIVE_INFINITY) throw new Error(`${family.name}${key}: no +Inf bucket`);
    if (s.count !== previous) throw new Error(`${family.name}${key}: +Inf bucket is not _count`);
    if (s.sum === undefined) throw new Error(`${family.name}${key}: no _sum`);
  }
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when none. */
export function value(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) return sample.value;
    }
  }
  return undefined;
}
