import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type Scalar } from 'yaml';
import { ConfigError } from '../core/errors.js';
import { maskSecret } from '../core/mask-secret.js';

/** Keys whose value (or every item of whose list) is a secret. */
// `service-account` is a Vertex key inline as JSON text; `private_key` the same key written as a mapping.
const SECRET_KEYS = new Set([
  'api-key',
  'api-keys',
  'secret-key',
  'key',
  'client-secret',
  'service-account',
  'private_key',
]);
/** Keys whose value is a URL that may carry a password. */
const URL_KEYS = new Set(['dsn', 'url', 'proxy-url']);
/** Every value of these maps is a secret (a header may carry a token under any name). */
const SECRET_MAPS = new Set(['headers']);
/** `${NAME}`: a reference to the environment, not a secret; shown as written. */
const REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
const MASK_MARK = '…';
/** The mark as a URL's password holds it. */
const MASK_MARK_ENCODED = encodeURIComponent(MASK_MARK);

/** One secret scalar of a config document: its path (`claude-api-key.0.api-key`) and its key. */
interface SecretAt {
  scalar: Scalar;
  path: string;
  key: string;
}

/** Every secret scalar of a config document, with its path (list items by index). */
function secretsOf(node: Node | null): SecretAt[] {
  const found: SecretAt[] = [];
  const walk = (node: unknown, path: Array<string | number>, parentKey: string | undefined): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const at = [...path, key];
        const value = pair.value;
        if (isScalar(value)) {
          if (SECRET_KEYS.has(key) || URL_KEYS.has(key) || (parentKey !== undefined && SECRET_MAPS.has(parentKey))) {
            found.push({ scalar: value, path: at.join('.'), key });
          }
        } else if (isSeq(value)) {
          value.items.forEach((item, i) => {
            if (isScalar(item)) {
              if (SECRET_KEYS.has(key)) found.push({ scalar: item, path: [...at, i].join('.'), key });
            } else walk(item, [...at, i], key);
          });
        } else walk(value, at, key);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...path, i], parentKey);
      });
    }
  };
  walk(node, [], undefined);
  return found;
}

/** The masked form of a secret as {@link maskConfigText} shows it; undefined when it is shown as written. */
function maskedForm(key: string, value: unknown): string | undefined {
  if (typeof value !== 'string' || REFERENCE.test(value)) return undefined;
  const masked = URL_KEYS.has(key) ? maskUrl(value) : maskSecret(value);
  return masked === value ? undefined : masked;
}

const isMasked = (value: unknown): value is string =>
  typeof value === 'string' && (value.includes(MASK_MARK) || value.includes(MASK_MARK_ENCODED));

/**
 * The config file's text with every secret masked to a short prefix and suffix (client keys, provider
 * keys, header values, the management and encryption secrets) and passwords taken out of URLs;
 * `${NAME}` references are kept as written. Comments and layout stay.
 */
export function maskConfigText(text: string): string {
  const document = parseDocument(text);
  for (const { scalar, key } of secretsOf(document.contents)) {
    const masked = maskedForm(key, scalar.value);
    if (masked !== undefined) scalar.value = masked;
  }
  return document.toString();
}

/**
 * A new config as it should be written: every secret still masked as {@link maskConfigText} showed it
 * is put back from `current` (the running file's text), so a file read from the management API and
 * edited can be saved without retyping its secrets. A masked value is matched by its path first
 * (`claude-api-key.0.api-key`), then, when entries were added, removed or moved, by the one secret
 * under the same key whose mask it is. Only the masked values change; the rest of the text stays as sent.
 *
 * @throws {ConfigError} naming the path and line of a masked value with no secret to put back (none
 *   at its path, or the mask was edited), or of any masked value when there is no `current` file.
 */
export function restoreMaskedSecrets(text: string, current?: string): string {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });
  const masked = secretsOf(document.contents).filter((s) => isMasked(s.scalar.value));
  if (masked.length === 0) return text;

  const running = current === undefined ? [] : secretsOf(parseDocument(current).contents);
  const byPath = new Map(running.map((s) => [s.path, s]));
  const edits: Array<{ start: number; end: number; text: string }> = [];
  for (const { scalar, path, key } of masked) {
    const value = scalar.value as string;
    const same = (s: SecretAt | undefined) => s !== undefined && maskedForm(s.key, s.scalar.value) === value;
    const atPath = byPath.get(path);
    let source = same(atPath) ? atPath : undefined;
    if (!source) {
      const candidates = running.filter((s) => s.key === key && same(s));
      if (candidates.length === 1) source = candidates[0];
    }
    const range = scalar.range;
    if (!source || !range || !current) {
      const line = range ? ` (line ${lines.linePos(range[0]).line})` : '';
      const why =
        atPath && maskedForm(atPath.key, atPath.scalar.value) !== undefined
          ? 'a masked value that is not the mask of the running secret there (was it edited?)'
          : 'a masked value, and the running config has no secret there to keep';
      throw new ConfigError(
        `${path}${line}: ${why}; keep the mask exactly as shown to keep the secret, or put the real secret or a \${NAME} reference to the environment`,
      );
    }
    edits.push({ start: range[0], end: range[1], text: sourceText(source.scalar, current) });
  }
  let out = text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

/**
 * A scalar as it was written in `text` when it fits on one line (a plain or quoted scalar), else as a
 * double-quoted (JSON) string, which is valid YAML wherever a scalar may stand.
 */
function sourceText(scalar: Scalar, text: string): string {
  const written = scalar.range ? text.slice(scalar.range[0], scalar.range[1]) : '';
  const oneLine =
    (scalar.type === 'PLAIN' || scalar.type === 'QUOTE_DOUBLE' || scalar.type === 'QUOTE_SINGLE') &&
    written !== '' &&
    !written.includes('\n');
  return oneLine ? written : JSON.stringify(String(scalar.value));
}

function maskUrl(value: string): string {
  try {
    const url = new URL(value);
    if (!url.password) return value;
    url.password = MASK_MARK;
    return url.toString();
  } catch {
    return maskSecret(value);
  }
}
