import { isPair, isScalar, isSeq, type Node, parseDocument, type Scalar, visit } from 'yaml';
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

type Visit = (scalar: Scalar, where: string) => void;

/** Calls `each` for every secret scalar of a config document, with its path (`claude-api-key.0.api-key`). */
function eachSecret(node: Node | null, each: Visit): void {
  visit(node, {
    Pair(_, pair, path) {
      if (!isScalar(pair.key)) return;
      const key = String(pair.key.value);
      const where = [...path.filter(isPair).map((p) => String((p.key as Scalar).value)), key].join('.');
      const parentKey = path.filter(isPair).at(-1);
      const inSecretMap = parentKey && isScalar(parentKey.key) && SECRET_MAPS.has(String(parentKey.key.value));
      if (isScalar(pair.value) && (SECRET_KEYS.has(key) || URL_KEYS.has(key) || inSecretMap)) {
        each(pair.value, where);
      } else if (isSeq(pair.value) && SECRET_KEYS.has(key)) {
        for (const item of pair.value.items) if (isScalar(item)) each(item, where);
      }
    },
  });
}

/**
 * The config file's text with every secret masked to a short prefix and suffix (client keys, provider
 * keys, header values, the management and encryption secrets) and passwords taken out of URLs;
 * `${NAME}` references are kept as written. Comments and layout stay.
 */
export function maskConfigText(text: string): string {
  const document = parseDocument(text);
  eachSecret(document.contents, (scalar, where) => {
    if (typeof scalar.value !== 'string' || REFERENCE.test(scalar.value)) return;
    const key = where.split('.').at(-1)!;
    scalar.value = URL_KEYS.has(key) ? maskUrl(scalar.value) : maskSecret(scalar.value);
  });
  return document.toString();
}

/**
 * Refuses a new config that still holds a value masked by {@link maskConfigText} (saving it would
 * replace the secret with its mask).
 *
 * @throws {ConfigError} naming the first such field.
 */
export function refuseMaskedSecrets(text: string): void {
  const document = parseDocument(text);
  let found: string | undefined;
  eachSecret(document.contents, (scalar, where) => {
    if (
      found === undefined &&
      typeof scalar.value === 'string' &&
      (scalar.value.includes(MASK_MARK) || scalar.value.includes(MASK_MARK_ENCODED))
    ) {
      found = where;
    }
  });
  if (found !== undefined) {
    throw new ConfigError(
      `'${found}' holds a masked value as the management API shows it; send the real secret or a \${NAME} reference to the environment`,
    );
  }
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
