import { z } from 'zod';

/**
 * The `proxy-services:` section: REST services (search, scraping, maps, speech) whose pool of keys the
 * gateway rotates behind `ANY /proxy/{name}/{path...}`. Kept apart from the LLM credentials: these keys
 * have no provider, no models and no dialect.
 */

const PROXY_SCHEMES = new Set(['http:', 'https:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:']);

/** Header names the gateway owns on the way upstream: a key placed there would be dropped or clash. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'proxy-authorization',
  'proxy-connection',
]);

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const proxyKeySchema = z
  .object({
    key: z.string().min(1),
    /** The key's id in logs, state, usage records and metrics. Default: the service name and its position. */
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, {
        message: 'must be letters, digits, ".", "_" or "-" (at most 128)',
      })
      .optional(),
    label: z.string().min(1).optional(),
    weight: z.number().min(0).optional(),
    'proxy-url': z
      .string()
      .refine(
        (value) => {
          if (value === '' || value === 'direct') return true;
          try {
            const url = new URL(value);
            return PROXY_SCHEMES.has(url.protocol) && url.hostname !== '';
          } catch {
            return false;
          }
        },
        { message: "must be 'direct' or a proxy URL with scheme http, https, socks4, socks4a, socks5 or socks5h" },
      )
      .optional(),
  })
  .strict();

const placementSchema = z
  .object({
    /** The header the key goes in, e.g. `Authorization` or `X-Api-Key`. */
    header: z
      .string()
      .regex(TOKEN, { message: 'must be an HTTP header name such as X-Api-Key' })
      .refine((name) => !RESERVED_HEADERS.has(name.toLowerCase()), {
        message: 'is a header the gateway sets itself; put the key in another header or in a query parameter',
      })
      .optional(),
    /** Text before the key in the header, e.g. `Bearer ` (with its space). */
    prefix: z.string().optional(),
    /** The query parameter the key goes in, e.g. `api_key`. */
    query: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((placement, ctx) => {
    const both = placement.header !== undefined && placement.query !== undefined;
    const neither = placement.header === undefined && placement.query === undefined;
    if (both || neither) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `needs exactly one of header (e.g. { header: Authorization, prefix: 'Bearer ' }) or query (e.g. { query: api_key })${both ? ', not both' : ''}`,
      });
    }
    if (placement.prefix !== undefined && placement.header === undefined) {
      ctx.addIssue({ code: 'custom', path: ['prefix'], message: 'only applies to a header placement' });
    }
  });

/** One `proxy-services` entry. */
export const proxyServiceSchema = z
  .object({
    /** The service's name in `/proxy/{name}/...`. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      message: 'must be letters, digits, ".", "_" or "-" (at most 64): it is a path segment of /proxy/{name}/',
    }),
    /** Where requests go: an http(s) URL, optionally with a base path (`https://api.example.com/v2`). */
    'base-url': z.string().refine(
      (value) => {
        try {
          const url = new URL(value);
          return (
            (url.protocol === 'http:' || url.protocol === 'https:') &&
            url.search === '' &&
            url.hash === '' &&
            url.username === '' &&
            url.password === ''
          );
        } catch {
          return false;
        }
      },
      {
        message:
          'must be an http or https URL without a query, fragment or user:password, e.g. https://api.example.com/v1',
      },
    ),
    keys: z
      .array(z.union([z.string().min(1), proxyKeySchema]))
      .min(1, { message: 'needs at least one key (a string, or { key, id, label, weight, proxy-url })' }),
    placement: placementSchema,
    /** Client keys (values, or names of `api-keys` entries) that may use the service. Absent: every client key. */
    'client-keys': z.array(z.string().min(1)).min(1).optional(),
    /** How a key is chosen. Default: `routing.strategy`. */
    strategy: z.enum(['round-robin', 'fill-first', 'weighted-round-robin', 'least-in-flight']).optional(),
    /** Request bodies up to this size are kept so a 429 / 5xx can be retried on another key, bytes. Default 1 MiB. */
    'max-replay-bytes': z.number().int().min(0).optional(),
  })
  .strict();

/** The `proxy-services:` list: names and key ids unique. */
export const proxyServicesSchema = z.array(proxyServiceSchema).superRefine((services, ctx) => {
  const names = new Map<string, number>();
  const ids = new Map<string, string>();
  services.forEach((service, i) => {
    const seen = names.get(service.name);
    if (seen !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'name'],
        message: `'${service.name}' is the name of entry ${seen} too; each service needs its own name`,
      });
    } else names.set(service.name, i);
    service.keys.forEach((key, k) => {
      if (typeof key === 'string' || key.id === undefined) return;
      const owner = ids.get(key.id);
      if (owner !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'keys', k, 'id'],
          message: `'${key.id}' is the id of a key of '${owner}' too; ids must be unique`,
        });
      } else ids.set(key.id, service.name);
    });
  });
});

/** One parsed `proxy-services` entry. */
export type ProxyServiceConfig = z.infer<typeof proxyServiceSchema>;
