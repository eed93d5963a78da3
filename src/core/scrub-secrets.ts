const MARK = '[redacted]';
/** Shorter strings are too likely to occur by chance to be worth replacing. */
const MIN_LENGTH = 4;

/**
 * Replaces every occurrence of the given secrets in `text`. Upstreams echo keys back (OpenAI's 401
 * quotes a masked key, proxies echo headers), so error text is scrubbed before it is kept anywhere.
 * Pass {@link secretVariants} (or `credentialSecrets`) to catch the encoded forms too; longer strings
 * should come first so an encoded form is replaced whole.
 *
 * @example
 * ```ts
 * scrubSecrets('bad key sk-123456', ['sk-123456']); // 'bad key [redacted]'
 * ```
 */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_LENGTH && out.includes(secret)) out = out.split(secret).join(MARK);
  }
  return out;
}

/**
 * The forms in which an upstream may echo `secret`, longest first and each once: as it is,
 * JSON-escaped, URL-encoded (`encodeURIComponent`, with `+` for spaces, lower-case escapes, and
 * `application/x-www-form-urlencoded`), base64 and base64url (padded or not), and the stretch of a
 * longer base64 value that encodes it at any of the three byte alignments, which is how a
 * `user:secret` Basic credential or a base64-encoded JSON body holding the secret looks. Empty for
 * secrets shorter than 4 characters. Compute it once per secret: it allocates a few dozen strings.
 *
 * @example
 * ```ts
 * scrubSecrets(`echo ${btoa('sk-123456')}`, secretVariants('sk-123456')); // 'echo [redacted]'
 * ```
 */
export function secretVariants(secret: string): string[] {
  if (secret.length < MIN_LENGTH) return [];
  const forms = new Set<string>([secret, JSON.stringify(secret).slice(1, -1)]);
  const uri = encodeURIComponent(secret);
  forms.add(uri);
  forms.add(uri.replace(/%20/g, '+'));
  forms.add(uri.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()));
  forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
  const bytes = new TextEncoder().encode(secret);
  const whole = toBase64(bytes);
  forms.add(whole);
  forms.add(whole.replace(/=+$/, ''));
  forms.add(toBase64Url(whole));
  forms.add(`${toBase64Url(whole)}${whole.slice(whole.replace(/=+$/, '').length)}`);
  for (let shift = 0; shift < 3; shift++) {
    const core = base64Core(bytes, shift);
    if (core.length < 2 * MIN_LENGTH) continue;
    forms.add(core);
    forms.add(toBase64Url(core));
  }
  return [...forms].filter((form) => form.length >= MIN_LENGTH).sort((a, b) => b.length - a.length);
}

/**
 * The base64 characters fully determined by `bytes` when they start `shift` bytes into a longer
 * value: the characters that touch the bytes before or after depend on them and are left out.
 */
function base64Core(bytes: Uint8Array, shift: number): string {
  const padded = new Uint8Array(shift + bytes.length);
  padded.set(bytes, shift);
  const encoded = toBase64(padded);
  return encoded.slice(Math.ceil((shift * 8) / 6), Math.floor(((shift + bytes.length) * 8) / 6));
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function toBase64Url(base64: string): string {
  return base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
