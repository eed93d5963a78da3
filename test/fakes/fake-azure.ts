import { randomUUID } from 'node:crypto';
import { chat, embeddings, responses } from './fake-openai.js';
import {
  type FakeReply,
  type FakeResponse,
  type FakeServer,
  type RecordedRequest,
  sse,
  startFakeServer,
} from './fake-server.js';

/**
 * A fake Azure OpenAI resource and its Microsoft Entra ID token endpoint, in one server:
 * - the dated API: `POST /openai/deployments/{deployment}/chat/completions?api-version=…` and the
 *   non-deployment route `POST /openai/responses?api-version=…` (deployment in `model`);
 * - the dated embeddings route `POST /openai/deployments/{deployment}/embeddings?api-version=…`;
 * - the v1 API: `POST /openai/v1/chat/completions`, `POST /openai/v1/responses`, `POST /openai/v1/embeddings`
 *   (no api-version, or `preview`);
 * - `POST /{tenant}/oauth2/v2.0/token`, the client-credentials grant (`tokenUrl(tenant)`).
 *
 * Chat answers carry Azure's content filter annotations: `prompt_filter_results` (non-stream: on the
 * body; stream: a first frame with empty `choices`, `id`, `model`), `content_filter_results` on every
 * choice, and, with `asyncFilter`, annotation-only frames between the content. A prompt containing
 * {@link PROMPT_FILTER_TRIGGER} is refused with Azure's 400 `content_filter`; one containing
 * {@link COMPLETION_FILTER_TRIGGER} is answered and then cut with `finish_reason: content_filter`.
 */
export interface FakeAzure extends FakeServer {
  /** What the next answers say. */
  reply: FakeReply;
  /** The resource endpoint (`https://{resource}.openai.azure.com` in real life). */
  readonly endpoint: string;
  /** The token endpoint of a tenant on this fake. */
  tokenUrl(tenant?: string): string;
  /** Token requests received (valid or not). */
  readonly tokenCalls: RecordedRequest[];
  /** Access tokens issued so far, newest last. */
  readonly issuedTokens: string[];
  /** Options in force; change them between calls. */
  options: FakeAzureOptions;
}

/** How the fake resource is set up. */
export interface FakeAzureOptions {
  /** The resource's API key (either of its two keys in real life). */
  apiKey: string;
  /** Deployment name → the model it runs (what answers name in `model`). */
  deployments: Record<string, string>;
  /** Dated api-versions the resource accepts. */
  apiVersions: string[];
  /** The Entra app allowed to get tokens. */
  entra: { tenant: string; clientId: string; clientSecret: string };
  /** `expires_in` of issued tokens, seconds. Default 3599. */
  tokenLifetimeS?: number;
  /** Delay before the token endpoint answers, ms. */
  tokenDelayMs?: number;
  /** Send `x-ratelimit-remaining-*` headers. Default true. */
  rateLimitHeaders?: boolean;
  /** Add asynchronous-filter annotation frames to chat streams. Default false. */
  asyncFilter?: boolean;
}

export const PROMPT_FILTER_TRIGGER = 'TRIGGER-AZURE-PROMPT-FILTER';
export const COMPLETION_FILTER_TRIGGER = 'TRIGGER-AZURE-COMPLETION-FILTER';
export const ENTRA_SCOPE = 'https://cognitiveservices.azure.com/.default';

const DEFAULTS: FakeAzureOptions = {
  apiKey: 'azure-key-0123456789abcdef',
  deployments: { 'prod-gpt4o': 'gpt-4o-2024-08-06', 'prod-embed': 'text-embedding-3-small' },
  apiVersions: ['2024-10-21', '2025-04-01-preview'],
  entra: { tenant: 'contoso-tenant', clientId: 'app-client-id', clientSecret: 'entra-secret-0123456789' },
};

const SAFE = { filtered: false, severity: 'safe' };
const SAFE_RESULTS = { hate: SAFE, self_harm: SAFE, sexual: SAFE, violence: SAFE };
const PROMPT_RESULTS = {
  hate: SAFE,
  jailbreak: { filtered: false, detected: false },
  self_harm: SAFE,
  sexual: SAFE,
  violence: SAFE,
};
const FILTERED_RESULTS = { ...SAFE_RESULTS, violence: { filtered: true, severity: 'medium' } };

/** Starts the fake resource. @see https://learn.microsoft.com/azure/ai-foundry/openai/reference */
export async function startFakeAzure(
  options: Partial<FakeAzureOptions> = {},
  reply: FakeReply = { text: 'Hello from fake Azure' },
): Promise<FakeAzure> {
  const tokenCalls: RecordedRequest[] = [];
  const issued = new Map<string, number>();
  const issuedTokens: string[] = [];
  const server = await startFakeServer((req) => handle(req));
  const fake: FakeAzure = Object.assign(server, {
    reply,
    endpoint: server.url,
    tokenUrl: (tenant?: string) => `${server.url}/${tenant ?? fake.options.entra.tenant}/oauth2/v2.0/token`,
    tokenCalls,
    issuedTokens,
    options: { ...DEFAULTS, ...options },
  });

  function handle(req: RecordedRequest): FakeResponse {
    const url = new URL(req.path, 'http://fake');
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (token) return tokenAnswer(req, decodeURIComponent(token[1]!));
    return resourceAnswer(req, url);
  }

  function tokenAnswer(req: RecordedRequest, tenant: string): FakeResponse {
    tokenCalls.push(req);
    const { entra, tokenLifetimeS = 3599, tokenDelayMs } = fake.options;
    const delay = tokenDelayMs ? { delayHeadersMs: tokenDelayMs } : {};
    const form = new URLSearchParams(req.rawBody);
    if (req.method !== 'POST') return { status: 405, body: { error: 'invalid_request' } };
    if (tenant !== entra.tenant) {
      return entraError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    }
    if (form.get('grant_type') !== 'client_credentials') {
      return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    if (form.get('client_id') !== entra.clientId || form.get('client_secret') !== entra.clientSecret) {
      return entraError(
        401,
        'invalid_client',
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '" +
          entra.clientId +
          "'.",
      );
    }
    if (form.get('scope') !== ENTRA_SCOPE) {
      return entraError(
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid.`,
      );
    }
    const accessToken = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-${issuedTokens.length + 1}-${randomUUID()}`;
    issued.set(accessToken, Date.now() + tokenLifetimeS * 1000);
    issuedTokens.push(accessToken);
    return {
      ...delay,
      body: {
        token_type: 'Bearer',
        expires_in: tokenLifetimeS,
        ext_expires_in: tokenLifetimeS,
        access_token: accessToken,
      },
    };
  }

  function resourceAnswer(req: RecordedRequest, url: URL): FakeResponse {
    const { apiKey, apiVersions, deployments, rateLimitHeaders = true } = fake.options;
    const headers: Record<string, string> = {
      'apim-request-id': randomUUID(),
      'x-request-id': randomUUID(),
      'x-ms-region': 'Sweden Central',
      'x-content-type-options': 'nosniff',
      ...(rateLimitHeaders ? { 'x-ratelimit-remaining-requests': '99', 'x-ratelimit-remaining-tokens': '99000' } : {}),
    };
    const v1 = url.pathname.startsWith('/openai/v1/');
    const version = url.searchParams.get('api-version');
    // The v1 API takes no api-version (or `preview`); the dated API needs one it knows.
    if (v1 ? version !== null && version !== 'preview' : version === null || !apiVersions.includes(version)) {
      return azureError(404, '404', 'Resource not found', headers);
    }
    const key = req.headers['api-key'];
    const bearer =
      typeof req.headers.authorization === 'string' ? /^Bearer (.+)$/.exec(req.headers.authorization)?.[1] : undefined;
    const tokenValid = bearer !== undefined && (issued.get(bearer) ?? 0) > Date.now();
    // On the v1 API the OpenAI client's `Authorization: Bearer {api key}` is accepted too.
    const keyValid = key === apiKey || (v1 && bearer === apiKey);
    if (!keyValid && !tokenValid) {
      return azureError(
        401,
        '401',
        'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
        headers,
      );
    }
    if (req.method !== 'POST') return azureError(404, '404', 'Resource not found', headers);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const scoped = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(url.pathname);
    let operation: 'chat' | 'responses' | 'embeddings';
    let deployment: string | undefined;
    const named = typeof body.model === 'string' ? body.model : undefined;
    if (scoped && !v1) {
      operation = scoped[2] === 'embeddings' ? 'embeddings' : 'chat';
      deployment = decodeURIComponent(scoped[1]!);
    } else if (v1 && url.pathname === '/openai/v1/chat/completions') {
      operation = 'chat';
      deployment = named;
    } else if (v1 && url.pathname === '/openai/v1/embeddings') {
      operation = 'embeddings';
      deployment = named;
    } else if (url.pathname === (v1 ? '/openai/v1/responses' : '/openai/responses')) {
      operation = 'responses';
      deployment = named;
    } else {
      return azureError(404, '404', 'Resource not found', headers);
    }
    const model = deployment === undefined ? undefined : deployments[deployment];
    if (model === undefined) {
      return azureError(
        404,
        'DeploymentNotFound',
        'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
        headers,
      );
    }
    if (operation === 'embeddings') {
      const answer = embeddings(body, model, {});
      return { ...answer, headers: { ...answer.headers, ...headers } };
    }
    const prompt = JSON.stringify(body.messages ?? body.input ?? '');
    if (prompt.includes(PROMPT_FILTER_TRIGGER)) return promptFiltered(headers);
    const cut = prompt.includes(COMPLETION_FILTER_TRIGGER);
    if (operation === 'responses') {
      const answer = responses(body, model, fake.reply);
      return { ...answer, headers: { ...stripOpenAIHeaders(answer.headers), ...headers } };
    }
    return azureChat(chat(body, model, cut ? { text: fake.reply.text ?? '' } : fake.reply), headers, cut);
  }

  function azureChat(answer: FakeResponse, headers: Record<string, string>, cut: boolean): FakeResponse {
    const merged = { ...stripOpenAIHeaders(answer.headers), ...headers };
    if (answer.body !== undefined) {
      const body = answer.body as Record<string, unknown>;
      const choices = (body.choices as Array<Record<string, unknown>>).map((choice) => {
        const out: Record<string, unknown> = {
          ...choice,
          content_filter_results: cut ? FILTERED_RESULTS : SAFE_RESULTS,
        };
        if (cut) out.finish_reason = 'content_filter';
        return out;
      });
      return {
        status: 200,
        headers: merged,
        body: {
          ...body,
          choices,
          prompt_filter_results: [{ prompt_index: 0, content_filter_results: PROMPT_RESULTS }],
        },
      };
    }
    const chunks: string[] = [
      sse({
        choices: [],
        created: 0,
        id: '',
        model: '',
        object: '',
        prompt_filter_results: [{ prompt_index: 0, content_filter_results: PROMPT_RESULTS }],
      }),
    ];
    let offset = 0;
    for (const raw of answer.chunks ?? []) {
      const data = String(raw)
        .replace(/^data: /, '')
        .trim();
      if (data === '[DONE]') {
        chunks.push(String(raw));
        continue;
      }
      const chunk = JSON.parse(data) as Record<string, unknown>;
      const choices = chunk.choices as Array<Record<string, unknown>>;
      if (choices.length === 0) {
        chunks.push(String(raw));
        continue;
      }
      const choice = choices[0]!;
      const delta = choice.delta as Record<string, unknown>;
      const content = typeof delta.content === 'string' && delta.content !== '';
      if (cut && choice.finish_reason !== null) {
        chunks.push(
          sse({
            ...chunk,
            choices: [{ ...choice, content_filter_results: FILTERED_RESULTS, finish_reason: 'content_filter' }],
          }),
        );
        continue;
      }
      chunks.push(sse({ ...chunk, choices: [{ ...choice, content_filter_results: content ? SAFE_RESULTS : {} }] }));
      if (content && fake.options.asyncFilter) {
        const end = offset + (delta.content as string).length;
        chunks.push(
          sse({
            choices: [
              {
                index: 0,
                finish_reason: null,
                content_filter_results: SAFE_RESULTS,
                content_filter_offsets: { check_offset: offset, start_offset: offset, end_offset: end },
              },
            ],
            created: 0,
            id: '',
            model: '',
            object: '',
          }),
        );
        offset = end;
      }
    }
    return { status: 200, headers: merged, chunks };
  }

  return fake;
}

/** Azure's error body: `{ error: { code, message } }`, no `type`. */
export function azureError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): FakeResponse {
  return { status, headers, body: { error: { code, message } } };
}

/** Azure's 400 for a prompt the content filter blocked. */
function promptFiltered(headers: Record<string, string>): FakeResponse {
  return {
    status: 400,
    headers,
    body: {
      error: {
        message:
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: { ...PROMPT_RESULTS, violence: { filtered: true, severity: 'medium' } },
        },
      },
    },
  };
}

/** Entra ID's OAuth error body. @see https://learn.microsoft.com/entra/identity-platform/reference-error-codes */
function entraError(status: number, error: string, code: number, text: string): FakeResponse {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${text} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date()
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z'),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    },
  };
}

/** OpenAI's own headers that Azure does not send (Azure has no reset headers, no `openai-processing-ms`). */
function stripOpenAIHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!name.startsWith('x-ratelimit-') && name !== 'openai-processing-ms' && name !== 'x-request-id')
      out[name] = value;
  }
  return out;
}
