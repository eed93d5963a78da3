import { type Document, type LineCounter, parse, visit } from 'yaml';

const REFERENCE = /\$\$|\$\{([^}]*)\}/g;
const NAME = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string value of a YAML document with the variable
 * from `env` (the default when it is unset or empty); `$$` stands for a literal `$`. A plain (unquoted)
 * value that is exactly one reference takes the type the variable reads as (`port: ${PORT}` is a
 * number). Keys are never interpolated. Returns one message per problem, each naming the line: a
 * missing variable without a default, or a malformed reference.
 */
export function interpolateEnv(
  doc: Document,
  env: Readonly<Record<string, string | undefined>>,
  lines: LineCounter,
  source: string,
): string[] {
  const problems: string[] = [];
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return;
      const text = node.value;
      const line = node.range ? lines.linePos(node.range[0]).line : undefined;
      const at = `${source}${line ? `:${line}` : ''}`;
      let whole = false;
      const replaced = text.replace(REFERENCE, (match: string, inner: string | undefined, offset: number) => {
        if (match === '$$') return '$';
        const parsed = NAME.exec(inner ?? '');
        if (!parsed) {
          problems.push(`${at}: '${match}' is not a valid reference; write \${NAME} or \${NAME:-default}`);
          return match;
        }
        const [, name, fallback] = parsed as unknown as [string, string, string | undefined];
        const value = env[name];
        whole = offset === 0 && match.length === text.length;
        if (value !== undefined && value !== '') return value;
        if (fallback !== undefined) return fallback;
        problems.push(
          `${at}: environment variable ${name} is not set; set it, or give a default with \${${name}:-default}`,
        );
        return match;
      });
      if (replaced === text) return;
      if (whole && node.type === 'PLAIN') {
        const typed: unknown = safeScalar(replaced);
        node.value = typeof typed === 'number' || typeof typed === 'boolean' ? typed : replaced;
      } else {
        node.value = replaced;
      }
    },
  });
  return problems;
}

function safeScalar(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return text;
  }
}
