import {
  countTokens,
  type FakeReply,
  type FakeResponse,
  type FakeServer,
  fakeVector,
  type RecordedRequest,
  sse,
  startFakeServer,
  words,
} from './fake-server.js';

/**
 * A fake Gemini API: generateContent, streamGenerateContent?alt=sse, countTokens, embedContent,
 * batchEmbedContents and the model list.
 */
export interface FakeGemini extends FakeServer {
  /** What the next answers say. Default `{ text: 'Hello from fake Gemini' }`. */
  reply: FakeReply;
}

/**
 * Starts a fake of the Gemini API answering in its documented formats. Its SSE events end in
 * `\r\n\r\n`, as the real service's do.
 * @see https://ai.google.dev/api/generate-content
 */
export async function startFakeGemini(reply: FakeReply = { text: 'Hello from fake Gemini' }): Promise<FakeGemini> {
  // The handler reads `fake.reply` at request time, so tests can change it between calls.
  const server = await startFakeServer((req) => answer(req, fake.reply));
  const fake = Object.assign(server, { reply });
  return fake;
}

/** A Google API error answer, `{ error: { code, message, status, details } }`. */
export function geminiError(
  code: number,
  status: string,
  message: string,
  details: Array<Record<string, unknown>> = [],
  headers: Record<string, string> = {},
): FakeResponse {
  return {
    status: code,
    headers: { 'content-type': 'application/json; charset=UTF-8', ...headers },
    body: { error: { code, message, status, ...(details.length ? { details } : {}) } },
  };
}

function answer(req: RecordedRequest, reply: FakeReply): FakeResponse {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const [path] = req.path.split('?');
  if (!req.headers['x-goog-api-key'] && !req.headers.authorization) {
    return geminiError(
      403,
      'PERMISSION_DENIED',
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    );
  }
  if (req.method === 'GET' && path === '/v1beta/models') {
    return {
      body: {
        models: [
          {
            name: 'models/gemini-2.5-flash',
            version: '001',
            displayName: 'Gemini 2.5 Flash',
            inputTokenLimit: 1048576,
            outputTokenLimit: 65536,
            supportedGenerationMethods: ['generateContent', 'countTokens'],
          },
          {
            name: 'models/gemini-2.5-pro',
            version: '2.5',
            displayName: 'Gemini 2.5 Pro',
            inputTokenLimit: 1048576,
            outputTokenLimit: 65536,
            supportedGenerationMethods: ['generateContent', 'countTokens'],
          },
        ],
      },
    };
  }
  const match =
    /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/.exec(
      path ?? '',
    );
  if (req.method !== 'POST' || !match) return geminiError(404, 'NOT_FOUND', `Requested entity was not found.`);
  const model = decodeURIComponent(match[1]!);
  if (match[2] === 'embedContent' || match[2] === 'batchEmbedContents') return embed(match[2], model, body);
  return geminiModelAnswer(match[2] as GeminiMethod, model, body, reply);
}

/** The methods of a Gemini model that generate or count. */
export type GeminiMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens';

/** The answer of one Gemini model method (shared with the fake Vertex AI, which serves the same bodies). */
export function geminiModelAnswer(
  method: GeminiMethod,
  model: string,
  body: Record<string, unknown>,
  reply: FakeReply,
): FakeResponse {
  const promptTokens = countTokens([body.systemInstruction, body.contents, body.tools]);
  if (method === 'countTokens') {
    return {
      body: { totalTokens: promptTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }] },
    };
  }
  const thoughts = reply.thinking ? countTokens(reply.thinking) : 0;
  const candidates = countTokens([reply.text, reply.toolCalls]);
  const usageMetadata = {
    promptTokenCount: promptTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: promptTokens + candidates + thoughts,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
  };
  const chunk = (parts: unknown[], last: boolean) => ({
    candidates: [{ content: { parts, role: 'model' }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
    usageMetadata: last ? usageMetadata : { promptTokenCount: promptTokens, totalTokenCount: promptTokens },
    modelVersion: model,
    responseId: 'fake-gemini-response-1',
  });
  // Gemini 2.5 signs the first part after its thoughts.
  const signature = reply.thinking ? { thoughtSignature: 'CiQB-fake-thought-signature' } : {};
  const calls = (reply.toolCalls ?? []).map((call, i) => ({
    functionCall: { name: call.name, args: call.arguments },
    ...(i === 0 && reply.text === undefined ? signature : {}),
  }));
  if (method === 'generateContent') {
    const parts: unknown[] = [];
    if (reply.thinking) parts.push({ text: reply.thinking, thought: true });
    if (reply.text !== undefined) parts.push({ text: reply.text, ...signature });
    parts.push(...calls);
    return { body: chunk(parts, true) };
  }
  const pieces: unknown[][] = [];
  for (const piece of words(reply.thinking ?? '')) pieces.push([{ text: piece, thought: true }]);
  words(reply.text ?? '').forEach((piece, i) => {
    pieces.push([{ text: piece, ...(i === 0 ? signature : {}) }]);
  });
  if (calls.length > 0) pieces.push(calls);
  if (pieces.length === 0) pieces.push([{ text: '' }]);
  const chunks = pieces.map((parts, i) => sse(chunk(parts, i === pieces.length - 1), undefined, '\r\n'));
  return { headers: { 'content-type': 'text/event-stream' }, chunks };
}

/** The most requests one batchEmbedContents call takes (observed; the reference gives no number). */
const MAX_EMBED_BATCH = 100;

/**
 * `:embedContent` (`EmbedContentRequest` → `{ embedding: { values } }`) and `:batchEmbedContents`
 * (`{ requests }` → `{ embeddings: [{ values }] }`, in request order, each request's `model` matching the
 * path's, at most 100). No usage: the Gemini API reports no tokens for embeddings. The vector is
 * {@link fakeVector} of the content's text parts joined with a newline, `outputDimensionality` long.
 * @see https://ai.google.dev/api/embeddings
 */
function embed(method: string, model: string, body: Record<string, unknown>): FakeResponse {
  const invalid = (message: string) => geminiError(400, 'INVALID_ARGUMENT', message);
  const vectorOf = (request: unknown, field: string): number[] | FakeResponse => {
    const r = (request ?? {}) as Record<string, unknown>;
    const content = r.content as { parts?: Array<{ text?: unknown }> } | undefined;
    if (!content || !Array.isArray(content.parts) || content.parts.length === 0) {
      return invalid(`* ${field}content: contents must not be empty\n`);
    }
    const dimensions = r.outputDimensionality;
    if (dimensions !== undefined && (!Number.isInteger(dimensions) || (dimensions as number) < 1)) {
      return invalid(`* ${field}output_dimensionality: must be positive\n`);
    }
    const text = content.parts.map((part) => (typeof part.text === 'string' ? part.text : '')).join('\n');
    return fakeVector(text, dimensions as number | undefined);
  };
  if (method === 'embedContent') {
    const values = vectorOf(body, '');
    return Array.isArray(values) ? { body: { embedding: { values } } } : values;
  }
  const requests = body.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    return invalid('* BatchEmbedContentsRequest.requests: contents must not be empty\n');
  }
  if (requests.length > MAX_EMBED_BATCH) {
    return invalid(`* BatchEmbedContentsRequest.requests: at most ${MAX_EMBED_BATCH} requests can be in one batch\n`);
  }
  const embeddings: Array<{ values: number[] }> = [];
  for (const [i, request] of requests.entries()) {
    const named = (request as { model?: unknown } | null)?.model;
    if (named !== `models/${model}`) {
      return invalid(
        `* BatchEmbedContentsRequest.requests[${i}].model: the model of each request must match the batch's (models/${model})\n`,
      );
    }
    const values = vectorOf(request, `BatchEmbedContentsRequest.requests[${i}].`);
    if (!Array.isArray(values)) return values;
    embeddings.push({ values });
  }
  return { body: { embeddings } };
}
