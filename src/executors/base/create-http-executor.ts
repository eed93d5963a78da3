import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { Credential } from '../../core/credential.js';
import { ConfigError, InvalidRequestError, type SwitchyardError, UpstreamError } from '../../core/errors.js';
import { type QuotaSnapshot, quotaExhaustedUntil } from '../../core/quota.js';
import { parseRetryAfter } from '../../core/retry-after.js';
import { scrubSecrets } from '../../core/scrub-secrets.js';
import type { Dialect } from '../../translate/dialect.js';
import type { ExecutorRequest, ExecutorResponse, ModelInfo } from '../types.js';
import { buildUpstreamError, type ErrorContext, mapTransportError } from './classify-error.js';
import { secretsOf } from './credential-secret.js';
import { createModelsCache } from './models-cache.js';
import { canRefreshWithTokenUrl, refreshWithTokenUrl } from './oauth-refresh.js';
import { BodyTooLargeError, readAll, readPrefix, streamBytes } from './read-body.js';
import { resolveUrl } from './resolve-url.js';
import { summariseErrorBody } from './summarise-error-body.js';
import { createTransport } from './transport.js';
import type { HttpExecutor, HttpExecutorOptions, ProviderDeclaration } from './types.js';

const MiB = 1024 * 1024;
/** Enough of an error body to classify it; the rest is dropped. */
const ERROR_BODY_LIMIT = 64 * 1024;
/** A provider with more model pages than this is paginating in circles. */
const MAX_MODEL_PAGES = 20;
/** Longest wait for a token endpoint, ms (the Manager aborts a refresh after 30 s anyway). */
const TOKEN_TIMEOUT_MS = 30_000;

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: Readable;
  quota: QuotaSnapshot | undefined;
  context: ErrorContext;
  host: string;
}

/**
 * Turns a {@link ProviderDeclaration} into an executor speaking HTTP through undici's dispatcher API:
 * request bodies are serialised once, stream bodies are passed on as they arrive, non-stream bodies are
 * read whole (up to `maxBodyBytes`) so a truncated answer fails before anything reaches the caller, and
 * every failure is thrown as a classified {@link SwitchyardError} without secrets in its message.
 *
 * @example
 * ```ts
 * const together = createHttpExecutor({
 *   ...openaiDeclaration({ provider: 'together', baseUrl: 'https://api.together.xyz/v1' }),
 * }, { bodyTimeoutMs: 60_000 });
 * ```
 */
export function createHttpExecutor(declaration: ProviderDeclaration, options: HttpExecutorOptions = {}): HttpExecutor {
  const { provider } = declaration;
  const now = options.now ?? Date.now;
  const maxBodyBytes = options.maxBodyBytes ?? 32 * MiB;
  const headersTimeout = options.headersTimeoutMs ?? 300_000;
  const bodyTimeout = options.bodyTimeoutMs ?? 300_000;
  const transport = createTransport({
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.proxyUrl ? { proxyUrl: options.proxyUrl } : {}),
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
  });
  const modelsCache = createModelsCache(options.modelsCacheTtlMs ?? 300_000, now);

  async function send(
    credential: Credential,
    dialect: Dialect,
    init: {
      method: 'GET' | 'POST';
      path: string;
      headers: Record<string, string>;
      body?: string;
      signal?: AbortSignal;
    },
  ): Promise<Sent> {
    const baseUrl = credential.baseUrl ?? options.baseUrl ?? declaration.baseUrl;
    let target: ReturnType<typeof resolveUrl>;
    try {
      target = resolveUrl(baseUrl, init.path);
    } catch (cause) {
      throw new ConfigError(`Credential ${credential.id} has an invalid base URL`, {
        credentialId: credential.id,
        cause,
      });
    }
    const query = target.path.indexOf('?');
    const context: ErrorContext = {
      provider,
      dialect,
      credentialId: credential.id,
      path: query === -1 ? target.path : target.path.slice(0, query),
    };
    if (declaration.sign) {
      const signed = declaration.sign({
        credential,
        method: init.method,
        url: target.origin + target.path,
        headers: init.headers,
        body: init.body ?? '',
      });
      init.headers = { ...init.headers, ...signed };
    }
    const dispatcher = transport.dispatcherFor(credential);
    // No redirect is ever followed, whatever interceptors an injected dispatcher has: the secret header
    // (`authorization`, `x-api-key`, Azure's `api-key`) would go to wherever the redirect points.
    const requestOptions: Dispatcher.RequestOptions & { maxRedirections: 0 } = {
      maxRedirections: 0,
      origin: target.origin,
      path: target.path,
      method: init.method,
      headers: init.headers,
      headersTimeout: headersTimeout,
      bodyTimeout: bodyTimeout,
      ...(init.body !== undefined ? { body: init.body } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    };
    let response: Dispatcher.ResponseData;
    try {
      response = await dispatcher.request(requestOptions);
    } catch (err) {
      throw mapTransportError(err, init.signal, context, target.host);
    }
    const headers = flattenHeaders(response.headers);
    const at = now();
    const quota = declaration.quota?.(headers, at);
    const sent: Sent = {
      status: response.statusCode,
      headers,
      body: response.body as Readable,
      quota,
      context,
      host: target.host,
    };
    if (response.statusCode >= 200 && response.statusCode < 300) return sent;
    throw await failure(sent, credential, init.signal, at);
  }

  async function failure(
    sent: Sent,
    credential: Credential,
    signal: AbortSignal | undefined,
    at: number,
  ): Promise<SwitchyardError> {
    let raw = '';
    try {
      raw = await readPrefix(sent.body, ERROR_BODY_LIMIT);
    } catch (err) {
      // The status alone still classifies the failure, unless the caller went away.
      if (signal?.aborted) return mapTransportError(err, signal, sent.context, sent.host);
    }
    const summary = summariseErrorBody(scrubSecrets(raw, secretsOf(credential)), sent.headers['content-type']);
    const failed = { status: sent.status, headers: sent.headers, json: summary.json, text: summary.text, now: at };
    const classification = declaration.parseError(failed);
    if (classification.retryAfterMs === undefined) {
      // Provider reset headers are a hint too when Retry-After is absent.
      const hinted = parseRetryAfter(sent.headers, at) ?? resetHint(sent.quota, at);
      if (hinted !== undefined) classification.retryAfterMs = hinted;
    }
    return buildUpstreamError(failed, classification, sent.context);
  }

  const executor: HttpExecutor = {
    provider,
    nativeDialect: (caller, credential, model) => declaration.nativeDialect(caller, credential, model),

    async execute(request: ExecutorRequest): Promise<ExecutorResponse> {
      const { credential, signal } = request;
      const path = declaration.path(request);
      if (path === undefined) {
        throw new InvalidRequestError(`${provider} does not support ${request.operation} in ${request.dialect}`, {
          credentialId: credential.id,
        });
      }
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: request.stream ? 'text/event-stream' : 'application/json',
        ...options.headers,
        ...declaration.requestHeaders?.(request),
        ...declaration.authHeaders(credential),
        ...credential.headers,
      };
      const body = JSON.stringify(declaration.body ? declaration.body(request) : request.body);
      const sent = await send(credential, request.dialect, { method: 'POST', path, headers, body, signal });
      const mapError = (err: unknown) => mapTransportError(err, signal, sent.context, sent.host);
      const result: ExecutorResponse = { status: sent.status, headers: sent.headers, body: emptyBody };
      if (sent.quota) result.quota = sent.quota;
      if (request.stream) {
        const bytes = streamBytes(sent.body, mapError);
        result.body = declaration.streamBody ? declaration.streamBody(bytes, request) : bytes;
        return result;
      }
      let bytes: Uint8Array;
      try {
        bytes = await readAll(sent.body, maxBodyBytes, sent.headers['content-length']);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          throw new UpstreamError(`${provider} answered with a body larger than ${err.limit} bytes`, {
            status: 502,
            credentialId: credential.id,
            cause: err,
          });
        }
        throw mapError(err);
      }
      result.body = once(declaration.responseBody ? declaration.responseBody(bytes, request) : bytes);
      return result;
    },

    listModels(credential: Credential, signal?: AbortSignal): Promise<ModelInfo[]> {
      const list = declaration.listModels;
      if (!list) return Promise.resolve([]);
      return modelsCache.get(credential.id, async () => {
        const dialect = declaration.nativeDialect('openai-chat', credential);
        const headers = {
          accept: 'application/json',
          ...options.headers,
          ...list.headers?.(credential),
          ...declaration.authHeaders(credential),
          ...credential.headers,
        };
        const out: ModelInfo[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < MAX_MODEL_PAGES; page++) {
          const sent = await send(credential, dialect, {
            method: 'GET',
            path: list.path(cursor),
            headers,
            ...(signal ? { signal } : {}),
          });
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.from(await readAll(sent.body, maxBodyBytes)).toString('utf8'));
          } catch (cause) {
            throw new UpstreamError(`${provider} answered its model list with something that is not JSON`, {
              credentialId: credential.id,
              cause,
            });
          }
          const { models, next } = list.parse(parsed);
          out.push(...models);
          if (!next) break;
          cursor = next;
        }
        return out;
      });
    },

    /**
     * The declaration's own token grant when it has one; else the standard refresh-token grant against
     * the credential's own `oauth.tokenUrl` (RFC 6749 §6), which needs a `tokenUrl` and a refresh token.
     */
    canRefresh: (credential: Credential) =>
      declaration.canRefresh ? declaration.canRefresh(credential) : canRefreshWithTokenUrl(credential),

    refresh(credential: Credential, signal: AbortSignal): Promise<Credential> {
      const context = {
        provider,
        dispatcher: transport.dispatcherFor(credential),
        signal,
        timeoutMs: Math.min(headersTimeout, TOKEN_TIMEOUT_MS),
        now,
      };
      return declaration.refresh ? declaration.refresh(credential, context) : refreshWithTokenUrl(credential, context);
    },

    close: () => transport.close(),
  };
  const embeddingWire = declaration.embeddingWire;
  if (embeddingWire) executor.embeddingWire = (credential, model) => embeddingWire(credential, model);
  return executor;
}

function resetHint(quota: QuotaSnapshot | undefined, at: number): number | undefined {
  if (!quota) return undefined;
  const until = quotaExhaustedUntil(quota);
  return until === undefined ? undefined : Math.max(0, until - at);
}

/** undici gives arrays for repeated headers; the executor contract is one string per name. */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const emptyBody: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

function once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      yield bytes;
    },
  };
}
