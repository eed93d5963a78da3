import { randomUUID } from 'node:crypto';
import { bedrockError, DEFAULT_BEDROCK, type FakeBedrockAccount, refuseBedrockAuth } from './fake-bedrock.js';
import {
  countTokens,
  type FakeResponse,
  type FakeServer,
  fakeVector,
  type RecordedRequest,
  startFakeServer,
} from './fake-server.js';

/**
 * A fake AWS Bedrock runtime serving embedding models through `POST /model/{modelId}/invoke`, with
 * the documented InvokeModel bodies:
 * - Titan Text Embeddings V2 (`amazon.titan-embed-text-v2:0`): `{ inputText, dimensions (256 | 512 |
 *   1024, default 1024), normalize, embeddingTypes }`, answered `{ embedding, inputTextTokenCount,
 *   embeddingsByType }`;
 * - Titan Embeddings G1 - Text (`amazon.titan-embed-text-v1`): `{ inputText }` only, 1536 values;
 * - Cohere Embed v3 (`cohere.embed-english-v3`, `cohere.embed-multilingual-v3`): `{ texts (at most 96,
 *   each at most 2048 characters), input_type (required), truncate, embedding_types }`, answered
 *   `{ embeddings, id, response_type, texts }`, 1024 values.
 *
 * Every answer carries `X-Amzn-Bedrock-Input-Token-Count`. Other fields are refused with the
 * ValidationException a real endpoint sends ("extraneous key ... is not permitted"). Authentication is
 * the same check as the Bedrock chat fake's (SigV4 verified, or a Bedrock API key). Vectors are
 * {@link fakeVector}s of each text, so a test can tell inputs apart and check their order.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html
 */
export interface FakeBedrockEmbeddings extends FakeServer {
  options: FakeBedrockEmbeddingsOptions;
  /** Why requests' authentication failed, in order. */
  readonly authFailures: string[];
  /** The most invoke calls that were in flight at once (since {@link FakeBedrockEmbeddings.resetMaxInFlight}). */
  readonly maxInFlight: number;
  resetMaxInFlight(): void;
}

export interface FakeBedrockEmbeddingsOptions extends FakeBedrockAccount {
  /** Embedding model ids the account can call. */
  models: string[];
  /** How long each answer takes, ms (lets concurrent calls overlap). Default 0. */
  latencyMs?: number;
}

export const TITAN_V2 = 'amazon.titan-embed-text-v2:0';
export const TITAN_V1 = 'amazon.titan-embed-text-v1';
export const COHERE_EN = 'cohere.embed-english-v3';
export const COHERE_ML = 'cohere.embed-multilingual-v3';

const TITAN_V2_KEYS = new Set(['inputText', 'dimensions', 'normalize', 'embeddingTypes']);
const COHERE_KEYS = new Set(['texts', 'images', 'input_type', 'truncate', 'embedding_types']);
const INPUT_TYPES = ['search_document', 'search_query', 'classification', 'clustering', 'image'];

const malformed = (problem: string) =>
  bedrockError(
    400,
    'ValidationException',
    `Malformed input request: ${problem}, please reformat your input and try again.`,
  );

function extraneous(body: Record<string, unknown>, allowed: ReadonlySet<string>): FakeResponse | undefined {
  for (const key of Object.keys(body)) {
    if (!allowed.has(key)) return malformed(`#: extraneous key [${key}] is not permitted`);
  }
  return undefined;
}

function answer(body: unknown, tokens: number): FakeResponse {
  return {
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': randomUUID(),
      'x-amzn-bedrock-invocation-latency': '42',
      'x-amzn-bedrock-input-token-count': String(tokens),
    },
    body,
  };
}

/** Starts the fake on 127.0.0.1. */
export async function startFakeBedrockEmbeddings(
  options: Partial<FakeBedrockEmbeddingsOptions> = {},
): Promise<FakeBedrockEmbeddings> {
  const authFailures: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = await startFakeServer(async (req) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (fake.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, fake.options.latencyMs));
      return handle(req);
    } finally {
      inFlight--;
    }
  });
  const fake = Object.assign(server, {
    options: {
      region: DEFAULT_BEDROCK.region,
      accessKeyId: DEFAULT_BEDROCK.accessKeyId,
      secretAccessKey: DEFAULT_BEDROCK.secretAccessKey,
      apiKey: DEFAULT_BEDROCK.apiKey,
      models: [TITAN_V2, TITAN_V1, COHERE_EN, COHERE_ML],
      ...options,
    },
    authFailures,
    resetMaxInFlight: () => {
      maxInFlight = 0;
    },
  }) as FakeBedrockEmbeddings;
  // A getter: Object.assign would copy its value once.
  Object.defineProperty(fake, 'maxInFlight', { get: () => maxInFlight });

  function handle(req: RecordedRequest): FakeResponse {
    const refused = refuseBedrockAuth(req, fake.options, authFailures);
    if (refused) return refused;
    const route = /^\/model\/([^/?]+)\/invoke$/.exec(req.path.split('?')[0]!);
    if (req.method !== 'POST' || !route) return bedrockError(404, 'UnknownOperationException', 'Unknown operation');
    const modelId = decodeURIComponent(route[1]!);
    if (!fake.options.models.includes(modelId)) {
      return bedrockError(
        404,
        'ResourceNotFoundException',
        'Could not resolve the foundation model from the provided model identifier.',
      );
    }
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      return malformed('#: expected type: JSONObject');
    }
    const body = req.body as Record<string, unknown>;
    if (modelId === TITAN_V2) return titanV2(body);
    if (modelId === TITAN_V1) return titanV1(body);
    return cohere(body);
  }

  function titanV2(body: Record<string, unknown>): FakeResponse {
    const bad = extraneous(body, TITAN_V2_KEYS);
    if (bad) return bad;
    if (typeof body.inputText !== 'string') return malformed('#: required key [inputText] not found');
    const dimensions = body.dimensions ?? 1024;
    if (dimensions !== 256 && dimensions !== 512 && dimensions !== 1024) {
      return malformed(`#/dimensions: ${String(dimensions)} is not a valid enum value`);
    }
    if (body.normalize !== undefined && typeof body.normalize !== 'boolean') {
      return malformed('#/normalize: expected type: Boolean');
    }
    const embedding = fakeVector(body.inputText, dimensions);
    const tokens = countTokens(body.inputText);
    return answer({ embedding, inputTextTokenCount: tokens, embeddingsByType: { float: embedding } }, tokens);
  }

  function titanV1(body: Record<string, unknown>): FakeResponse {
    const bad = extraneous(body, new Set(['inputText']));
    if (bad) return bad;
    if (typeof body.inputText !== 'string') return malformed('#: required key [inputText] not found');
    const tokens = countTokens(body.inputText);
    return answer({ embedding: fakeVector(body.inputText, 1536), inputTextTokenCount: tokens }, tokens);
  }

  function cohere(body: Record<string, unknown>): FakeResponse {
    const bad = extraneous(body, COHERE_KEYS);
    if (bad) return bad;
    const texts = body.texts;
    if (!Array.isArray(texts) || !texts.every((t) => typeof t === 'string')) {
      return malformed('#: required key [texts] not found');
    }
    if (texts.length > 96) return malformed(`#/texts: expected maximum item count: 96, found: ${texts.length}`);
    const long = texts.findIndex((t) => t.length > 2048);
    if (long !== -1) return malformed(`#/texts/${long}: expected maxLength: 2048, actual: ${texts[long]!.length}`);
    if (typeof body.input_type !== 'string') return malformed('#: required key [input_type] not found');
    if (!INPUT_TYPES.includes(body.input_type))
      return malformed(`#/input_type: ${body.input_type} is not a valid enum value`);
    if (body.truncate !== undefined && !['NONE', 'START', 'END'].includes(String(body.truncate))) {
      return malformed(`#/truncate: ${String(body.truncate)} is not a valid enum value`);
    }
    const vectors = texts.map((t) => fakeVector(`${body.input_type}:${t}`, 1024));
    const tokens = countTokens(texts);
    const byType = Array.isArray(body.embedding_types);
    return answer(
      {
        id: randomUUID(),
        texts,
        embeddings: byType ? { float: vectors } : vectors,
        response_type: byType ? 'embeddings_by_type' : 'embeddings_floats',
      },
      tokens,
    );
  }

  return fake;
}

/** The vector the fake answers for one Cohere text of `inputType`. */
export function fakeCohereVector(text: string, inputType = 'search_document'): number[] {
  return fakeVector(`${inputType}:${text}`, 1024);
}
