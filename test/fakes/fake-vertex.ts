import { generateKeyPairSync, randomUUID, verify } from 'node:crypto';
import { anthropicError, anthropicMessages } from './fake-anthropic.js';
import { type GeminiMethod, geminiError, geminiModelAnswer } from './fake-gemini.js';
import {
  countTokens,
  type FakeReply,
  type FakeResponse,
  type FakeServer,
  type RecordedRequest,
  sse,
  startFakeServer,
} from './fake-server.js';

/**
 * A fake Google Vertex AI and its OAuth 2.0 token endpoint, in one server:
 * - `POST /token`: the JWT-bearer grant. The assertion's RS256 signature is verified against the
 *   service account's public key, and its `kid`, `iss`, `aud`, `scope`, `iat` and `exp` are checked
 *   as Google checks them; failures answer Google's `{ error, error_description }`.
 * - Gemini models: `POST /v1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent`,
 *   `:streamGenerateContent?alt=sse`, `:countTokens` (also under `/v1beta1`, the version @google/genai
 *   uses, and without `projects/…/locations/…` for express-mode API keys).
 * - Claude models: `…/publishers/anthropic/models/{model}:rawPredict` and `:streamRawPredict` with the
 *   Anthropic Messages body (`anthropic_version: vertex-2023-10-16` required, no `model`), and
 *   `…/publishers/anthropic/models/count-tokens:rawPredict` (`model` in the body).
 *
 * Requests need `Authorization: Bearer {a token this fake issued and that has not expired}`, or the
 * API key as `x-goog-api-key` or `?key=`. Errors are Google's `{ error: { code, message, status } }`,
 * except what Claude itself refuses (Anthropic's `{ type: 'error', error }`).
 */
export interface FakeVertex extends FakeServer {
  /** What the next answers say. */
  reply: FakeReply;
  /** The token endpoint (`https://oauth2.googleapis.com/token` in real life). */
  readonly tokenUrl: string;
  /** A service-account JSON key whose `token_uri` is this fake's, signed by a key pair made for this fake. */
  readonly serviceAccountKey: ServiceAccountKeyFile;
  /** Token requests received (valid or not); they are not in `requests`, which holds the API's. */
  readonly tokenCalls: RecordedRequest[];
  /** Access tokens issued so far, newest last. */
  readonly issuedTokens: string[];
  /** Options in force; change them between calls. */
  options: FakeVertexOptions;
}

/** A service-account JSON key file as Google Cloud writes it. */
export interface ServiceAccountKeyFile {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  token_uri: string;
  [field: string]: string;
}

/** How the fake is set up. */
export interface FakeVertexOptions {
  /** The project the service account and the API key belong to. */
  project: string;
  /** An API key of the project (express mode, or bound to the project). */
  apiKey: string;
  /** Models per publisher. */
  models: { google: string[]; anthropic: string[] };
  /** The `aud` the token endpoint accepts. Default its own URL; set Google's for clients that hard-code it. */
  audience?: string;
  /** `expires_in` of issued tokens, seconds. Default 3599. */
  tokenLifetimeS?: number;
  /** Delay before the token endpoint answers, ms. */
  tokenDelayMs?: number;
  /** Issue this access token every time (a test that must know it in advance), instead of fresh ones. */
  fixedToken?: string;
}

const SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';

const DEFAULTS: FakeVertexOptions = {
  project: 'acme-prod',
  apiKey: 'AQ.Ab8RN6-fake-vertex-api-key-0123456789',
  models: {
    google: ['gemini-2.5-flash', 'gemini-2.5-pro'],
    anthropic: ['claude-sonnet-4-5@20250929', 'claude-haiku-4-5@20251001'],
  },
};

/** Starts the fake. @see https://cloud.google.com/vertex-ai/generative-ai/docs/reference/rest */
export async function startFakeVertex(
  options: Partial<FakeVertexOptions> = {},
  reply: FakeReply = { text: 'Hello from fake Vertex' },
): Promise<FakeVertex> {
  const pair = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const tokenCalls: RecordedRequest[] = [];
  const issued = new Map<string, number>();
  const issuedTokens: string[] = [];
  const server = await startFakeServer((req) => handle(req));
  const settings = { ...DEFAULTS, ...options };
  const privateKeyId = 'c0ffee00d15ea5e0123456789abcdef012345678';
  const clientEmail = `switchyard@${settings.project}.iam.gserviceaccount.com`;
  const fake: FakeVertex = Object.assign(server, {
    reply,
    tokenUrl: `${server.url}/token`,
    serviceAccountKey: {
      type: 'service_account' as const,
      project_id: settings.project,
      private_key_id: privateKeyId,
      private_key: pair.privateKey,
      client_email: clientEmail,
      client_id: '104217693402817362910',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: `${server.url}/token`,
      auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
      client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
      universe_domain: 'googleapis.com',
    },
    tokenCalls,
    issuedTokens,
    options: settings,
  });

  function handle(req: RecordedRequest): FakeResponse {
    const url = new URL(req.path, 'http://fake');
    if (url.pathname === '/token') return tokenAnswer(req);
    return apiAnswer(req, url);
  }

  /** @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest */
  function tokenAnswer(req: RecordedRequest): FakeResponse {
    // Token calls are kept apart from the API requests, so `requests` and `last` are Vertex AI's own.
    server.requests.splice(server.requests.indexOf(req), 1);
    tokenCalls.push(req);
    const { tokenLifetimeS = 3599, tokenDelayMs, audience = fake.tokenUrl } = fake.options;
    const delay = tokenDelayMs ? { delayHeadersMs: tokenDelayMs } : {};
    if (req.method !== 'POST') return oauthError(405, 'invalid_request', 'POST only');
    const form = new URLSearchParams(req.rawBody);
    const grant = form.get('grant_type');
    if (grant !== JWT_BEARER) return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${grant ?? ''}`);
    const problem = checkAssertion(form.get('assertion') ?? '', audience);
    if (problem) return oauthError(400, 'invalid_grant', problem);
    const accessToken = fake.options.fixedToken ?? `ya29.c.fake-${issuedTokens.length + 1}-${randomUUID()}`;
    issued.set(accessToken, Date.now() + tokenLifetimeS * 1000);
    issuedTokens.push(accessToken);
    return {
      ...delay,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: { access_token: accessToken, expires_in: tokenLifetimeS, token_type: 'Bearer' },
    };
  }

  function checkAssertion(assertion: string, audience: string): string | undefined {
    const parts = assertion.split('.');
    if (parts.length !== 3) return 'Invalid JWT: not a JWS';
    const [h, c, s] = parts as [string, string, string];
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    } catch {
      return 'Invalid JWT: header or claims are not JSON';
    }
    if (header.alg !== 'RS256') return 'Invalid JWT: alg must be RS256';
    if (header.kid !== undefined && header.kid !== privateKeyId) return 'Invalid JWT Signature.';
    if (!verify('sha256', Buffer.from(`${h}.${c}`), pair.publicKey, Buffer.from(s, 'base64url'))) {
      return 'Invalid JWT Signature.';
    }
    if (claims.iss !== clientEmail) return 'Invalid email or User ID';
    if (claims.aud !== audience) return 'Invalid JWT: Failed audience check.';
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.includes(SCOPE)) return 'Invalid OAuth scope or ID token audience provided.';
    const now = Date.now() / 1000;
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    if (!Number.isFinite(iat) || !Number.isFinite(exp) || exp - iat > 3600 || exp < now || iat > now + 300) {
      return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';
    }
    return undefined;
  }

  function apiAnswer(req: RecordedRequest, url: URL): FakeResponse {
    const { apiKey, project, models } = fake.options;
    const bearer =
      typeof req.headers.authorization === 'string' ? /^Bearer (.+)$/.exec(req.headers.authorization)?.[1] : undefined;
    const tokenValid = bearer !== undefined && (issued.get(bearer) ?? 0) > Date.now();
    const key = req.headers['x-goog-api-key'] ?? url.searchParams.get('key');
    if (!tokenValid && key !== apiKey) {
      if (key !== undefined && key !== null) {
        return geminiError(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' },
        ]);
      }
      return geminiError(
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
      );
    }
    const route =
      /^\/(v1|v1beta1)\/(?:projects\/([^/]+)\/locations\/([^/]+)\/)?publishers\/(google|anthropic)\/models\/([^/:]+):([A-Za-z]+)$/.exec(
        url.pathname,
      );
    if (req.method !== 'POST' || !route) return geminiError(404, 'NOT_FOUND', 'Requested entity was not found.');
    const [, , pathProject, location, publisher, rawModel, method] = route as unknown as [
      string,
      string,
      string | undefined,
      string | undefined,
      'google' | 'anthropic',
      string,
      string,
    ];
    const model = decodeURIComponent(rawModel);
    const resource = `projects/${pathProject ?? project}/locations/${location ?? 'global'}/publishers/${publisher}/models/${model}`;
    if (pathProject !== undefined && decodeURIComponent(pathProject) !== project) {
      return geminiError(
        403,
        'PERMISSION_DENIED',
        `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/${resource}' (or it may not exist).`,
      );
    }
    // Express mode (an API key, no project in the path) serves Google's models only.
    if (pathProject === undefined && publisher !== 'google') {
      return geminiError(404, 'NOT_FOUND', `Publisher Model \`${resource}\` not found.`);
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (publisher === 'anthropic') return claudeAnswer(method, model, body, resource);
    if (!models.google.includes(model)) {
      return geminiError(
        404,
        'NOT_FOUND',
        `Publisher Model \`${resource}\` was not found or your project does not have access to it. Please ensure you are using a valid model version.`,
      );
    }
    if (method !== 'generateContent' && method !== 'streamGenerateContent' && method !== 'countTokens') {
      return geminiError(400, 'INVALID_ARGUMENT', `Method ${method} is not supported by this model.`);
    }
    return vertexFlavour(method, geminiModelAnswer(method as GeminiMethod, model, body, fake.reply));
  }

  function claudeAnswer(method: string, model: string, body: Record<string, unknown>, resource: string): FakeResponse {
    const { models } = fake.options;
    const counting = model === 'count-tokens';
    if (method !== 'rawPredict' && !(method === 'streamRawPredict' && !counting)) {
      return geminiError(400, 'INVALID_ARGUMENT', `Method ${method} is not supported for ${resource}.`);
    }
    const named = counting ? (typeof body.model === 'string' ? body.model : '') : model;
    if (!models.anthropic.includes(named)) {
      return geminiError(
        404,
        'NOT_FOUND',
        `Publisher Model \`${resource.replace(model, named)}\` was not found or your project does not have access to it.`,
      );
    }
    if (body.anthropic_version !== VERTEX_ANTHROPIC_VERSION) {
      const message =
        body.anthropic_version === undefined
          ? 'anthropic_version: Field required'
          : `anthropic_version: Input should be '${VERTEX_ANTHROPIC_VERSION}'`;
      return anthropicError(400, 'invalid_request_error', message);
    }
    if (counting) {
      return { body: { input_tokens: countTokens([body.system, body.messages, body.tools]) } };
    }
    if ('model' in body) return anthropicError(400, 'invalid_request_error', 'model: Extra inputs are not permitted');
    const streaming = method === 'streamRawPredict';
    if ((body.stream === true) !== streaming) {
      return anthropicError(
        400,
        'invalid_request_error',
        streaming ? 'streamRawPredict needs "stream": true' : 'rawPredict does not stream; call streamRawPredict',
      );
    }
    const answer = anthropicMessages(body, fake.reply, model);
    const headers = Object.fromEntries(
      Object.entries(answer.headers ?? {}).filter(([name]) => !name.startsWith('anthropic-')),
    );
    return { ...answer, headers };
  }

  return fake;
}

/** Vertex adds `createTime` and `usageMetadata.trafficType` to Gemini answers, `totalBillableCharacters` to counts. */
function vertexFlavour(method: string, answer: FakeResponse): FakeResponse {
  const createTime = new Date().toISOString();
  const flavour = (chunk: Record<string, unknown>) => {
    const usage = chunk.usageMetadata as Record<string, unknown> | undefined;
    return { ...chunk, createTime, ...(usage ? { usageMetadata: { ...usage, trafficType: 'ON_DEMAND' } } : {}) };
  };
  if (method === 'countTokens') {
    const body = answer.body as Record<string, unknown>;
    return { ...answer, body: { ...body, totalBillableCharacters: Number(body.totalTokens) * 4 } };
  }
  if (answer.body !== undefined) return { ...answer, body: flavour(answer.body as Record<string, unknown>) };
  const chunks = (answer.chunks ?? []).map((raw) => {
    const data = String(raw)
      .replace(/^data: /, '')
      .trim();
    return sse(flavour(JSON.parse(data) as Record<string, unknown>), undefined, '\r\n');
  });
  return { ...answer, chunks };
}

/** Google's OAuth error body. */
function oauthError(status: number, error: string, description: string): FakeResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: { error, error_description: description },
  };
}
