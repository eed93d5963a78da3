/**
 * A new request id: `req_` and 32 random hex digits, unique across instances without coordination.
 * The HTTP handler sends it as `x-request-id`; the Manager makes one when its caller gave none.
 *
 * @example
 * ```ts
 * newRequestId(); // 'req_3f0c…' (36 characters)
 * ```
 */
export function newRequestId(): string {
  return `req_${globalThis.crypto.randomUUID().replaceAll('-', '')}`;
}
