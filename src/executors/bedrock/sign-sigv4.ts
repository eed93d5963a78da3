import { createHash, createHmac } from 'node:crypto';

/** The AWS keys a request is signed with. */
export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  /** Present for temporary credentials (STS, SSO); sent as `x-amz-security-token`. */
  sessionToken?: string | undefined;
}

/** One request to sign with {@link signSigV4}. */
export interface SigV4Request {
  method: string;
  /** Scheme, host (port included when not the default) and path, query included; the path already percent-encoded. */
  url: string;
  /** The headers that will be sent; every one of them is signed. Lower-case or not, as you like. */
  headers: Readonly<Record<string, string>>;
  body: string | Uint8Array;
  /** Signing service, e.g. `bedrock`. */
  service: string;
  region: string;
  keys: AwsKeys;
  /** Signing time. Default now. */
  date?: Date;
}

/**
 * Signs a request with AWS Signature Version 4 (header form) and returns the headers to add:
 * `authorization`, `x-amz-date`, `x-amz-content-sha256` and, for temporary credentials,
 * `x-amz-security-token`. Every header passed in is signed, plus `host`.
 *
 * The canonical URI encodes each path segment once more, as SigV4 requires for every service but S3:
 * a model id sent as `us.anthropic.claude-x-v1%3A0` is signed as `us.anthropic.claude-x-v1%253A0`.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
 * @example
 * ```ts
 * const extra = signSigV4({ method: 'POST', url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse',
 *   headers: { 'content-type': 'application/json' }, body, service: 'bedrock', region: 'us-east-1', keys });
 * ```
 */
export function signSigV4(request: SigV4Request): Record<string, string> {
  const url = new URL(request.url);
  const amzDate = (request.date ?? new Date()).toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(request.body);
  const added: Record<string, string> = { 'x-amz-date': amzDate, 'x-amz-content-sha256': payloadHash };
  if (request.keys.sessionToken) added['x-amz-security-token'] = request.keys.sessionToken;

  const headers = new Map<string, string>();
  for (const name in request.headers) headers.set(name.toLowerCase(), normaliseValue(request.headers[name]!));
  for (const name in added) headers.set(name, added[name]!);
  headers.set('host', url.host);
  headers.delete('authorization');
  const names = [...headers.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalHeaders = names.map((name) => `${name}:${headers.get(name)}\n`).join('');

  const canonical = [
    request.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.search),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const signingKey = [day, request.region, request.service, 'aws4_request'].reduce<Buffer | string>(
    (key, part) => hmac(key, part),
    `AWS4${request.keys.secretAccessKey}`,
  );
  const signature = hmac(signingKey, stringToSign).toString('hex');
  added.authorization = `AWS4-HMAC-SHA256 Credential=${request.keys.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return added;
}

/** Each segment of the (already encoded) path encoded again; empty segments from `//` collapse. */
export function canonicalUri(pathname: string): string {
  const path = pathname.replace(/\/+/g, '/');
  return path
    .split('/')
    .map((segment) => encodeRfc3986(segment))
    .join('/');
}

function canonicalQuery(search: string): string {
  if (search.length <= 1) return '';
  const pairs: [string, string][] = [];
  for (const [key, value] of new URLSearchParams(search)) {
    if (key) pairs.push([encodeRfc3986(key), encodeRfc3986(value)]);
  }
  pairs.sort(([k1, v1], [k2, v2]) => (k1 < k2 ? -1 : k1 > k2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** Percent-encodes everything but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~). */
function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function normaliseValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
