import { UpstreamError } from '../../core/errors.js';
import { arr, invalid, isRecord, type JsonObject, num } from '../json.js';
import type {
  EmbeddingBatchResult,
  EmbeddingInput,
  EmbeddingRequest,
  EmbeddingUpstreamShape,
  EmbeddingWire,
  EncodedEmbeddingCall,
} from './types.js';

/**
 * The most texts one Cohere Embed v3 InvokeModel call takes on Bedrock ("Texts per call: 96").
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html
 */
export const COHERE_MAX_EMBEDDING_TEXTS = 96;

/** The header in which the Bedrock runtime reports an InvokeModel call's input tokens. */
export const BEDROCK_INPUT_TOKENS_HEADER = 'x-amzn-bedrock-input-token-count';

/** The Bedrock embedding models switchyard knows the bodies of, and what each one's vectors are. */
interface BedrockEmbeddingModel {
  wire: 'bedrock-titan' | 'bedrock-cohere';
  /** The vector length it answers when asked for none. */
  native: number;
  /** The lengths it can be asked for (`dimensions`); absent: only the native length. */
  sizes?: readonly number[];
}

const TITAN_V2: BedrockEmbeddingModel = { wire: 'bedrock-titan', native: 1024, sizes: [256, 512, 1024] };
const TITAN_V1: BedrockEmbeddingModel = { wire: 'bedrock-titan', native: 1536 };
const COHERE_V3: BedrockEmbeddingModel = { wire: 'bedrock-cohere', native: 1024 };

/**
 * Model ids (also as the last part of an ARN, `…foundation-model/amazon.titan-embed-text-v2:0`):
 * Titan Text Embeddings V2, Titan Embeddings G1 - Text (`amazon.titan-embed-text-v1`, and
 * `amazon.titan-embed-g1-text-02` in the regions that name it so), Cohere Embed v3 English and
 * Multilingual.
 */
const MODELS: ReadonlyArray<readonly [RegExp, BedrockEmbeddingModel]> = [
  [/(^|[/.:])amazon\.titan-embed-text-v2/, TITAN_V2],
  [/(^|[/.:])amazon\.titan-embed-(text-v1|g1-text-02)/, TITAN_V1],
  [/(^|[/.:])cohere\.embed-(english|multilingual)-v3/, COHERE_V3],
];

function modelOf(model: string): BedrockEmbeddingModel | undefined {
  for (const [re, known] of MODELS) if (re.test(model)) return known;
  return undefined;
}

/**
 * The embedding shape of a Bedrock model: `bedrock-titan` for the Amazon Titan text embedding models,
 * `bedrock-cohere` for Cohere Embed v3; undefined for any other model (Bedrock has no
 * model-independent embedding API, so a model whose body is unknown cannot embed).
 *
 * @example
 * ```ts
 * bedrockEmbeddingWire('amazon.titan-embed-text-v2:0'); // 'bedrock-titan'
 * bedrockEmbeddingWire('anthropic.claude-3-5-haiku-20241022-v1:0'); // undefined
 * ```
 */
export function bedrockEmbeddingWire(model: string): EmbeddingWire | undefined {
  return modelOf(model)?.wire;
}

/** The caller's name of a field of input `index` (of `request.inputs`), in the caller's own shape. */
function callerField(request: EmbeddingRequest, index: number, field: 'dimensions' | 'input'): string {
  if (request.wire === 'gemini') {
    const name = field === 'dimensions' ? 'outputDimensionality' : 'content';
    return request.single ? name : `requests.${index}.${name}`;
  }
  return field === 'dimensions' ? 'dimensions' : `input.${index}`;
}

/** The text of an input; token arrays and parts that are not text are refused naming the caller's field. */
function textOf(input: EmbeddingInput, request: EmbeddingRequest, model: string): string {
  if (input.tokens) {
    invalid(
      callerField(request, request.inputs.indexOf(input), 'input'),
      `is a token array; ${model} on Bedrock embeds text only, send the text instead`,
    );
  }
  if (input.nonText) {
    invalid(
      callerField(request, request.inputs.indexOf(input), 'input'),
      `holds parts that are not text, which ${model} on Bedrock cannot embed`,
    );
  }
  return input.text ?? '';
}

/** Checks a requested vector length against what the model can answer; the value to send, if any. */
function checkDimensions(
  input: EmbeddingInput,
  request: EmbeddingRequest,
  model: string,
  known: BedrockEmbeddingModel,
): number | undefined {
  const wanted = input.dimensions;
  if (wanted === undefined) return undefined;
  if (known.sizes) {
    if (known.sizes.includes(wanted)) return wanted;
    invalid(
      callerField(request, request.inputs.indexOf(input), 'dimensions'),
      `must be one of ${known.sizes.join(', ')} for ${model}`,
    );
  }
  // Asking for the one length the model has is asking for nothing: nothing is sent.
  if (wanted === known.native) return undefined;
  return invalid(
    callerField(request, request.inputs.indexOf(input), 'dimensions'),
    `cannot be set for ${model}, whose vectors always have ${known.native} values; leave it out`,
  );
}

/** What a Bedrock call leaves out: Gemini's `taskType` (Titan only: Cohere maps it) and `title`, OpenAI's `user`. */
function droppedWarnings(
  inputs: readonly EmbeddingInput[],
  request: EmbeddingRequest,
  wire: 'bedrock-titan' | 'bedrock-cohere',
): string[] {
  const warnings: string[] = [];
  if (wire === 'bedrock-titan') {
    if (inputs.some((input) => input.taskType !== undefined || input.title !== undefined)) {
      warnings.push('dropped-embedding-task: Titan embedding models have no taskType or title');
    }
  } else if (inputs.some((input) => input.title !== undefined)) {
    warnings.push('dropped-embedding-title: Cohere Embed has no title');
  }
  if (request.user !== undefined) warnings.push('dropped-embedding-user: Bedrock has no end-user field');
  return warnings;
}

function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

function headerTokens(headers: Readonly<Record<string, string>> | undefined): number | undefined {
  const raw = headers?.[BEDROCK_INPUT_TOKENS_HEADER];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw);
}

/**
 * Amazon Titan text embeddings through InvokeModel: one text per call (`{ inputText }`), so a batch
 * fans out into one call per input, answered `{ embedding, inputTextTokenCount }`. Titan Text
 * Embeddings V2 (`amazon.titan-embed-text-v2:0`) also takes `dimensions` (256, 512 or 1024, its
 * default) and `normalize` (sent `true`, as OpenAI's vectors are normalised, unless an OpenAI caller
 * sends `normalize: false`); Titan Embeddings G1 - Text takes `inputText` only, so `dimensions` is
 * refused with 400 unless it is its one length, 1536. Vectors are always asked for as floats.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html
 */
export const bedrockTitanEmbeddingUpstream: EmbeddingUpstreamShape = {
  wire: 'bedrock-titan',
  maxBatch: 1,
  encodeRequest(inputs, request, model): EncodedEmbeddingCall {
    const known = modelOf(model) ?? TITAN_V2;
    const input = inputs[0]!;
    const body: JsonObject = { inputText: textOf(input, request, model) };
    const dimensions = checkDimensions(input, request, model, known);
    if (known.sizes) {
      if (dimensions !== undefined) body.dimensions = dimensions;
      const normalize = request.wire === 'openai' ? request.body.normalize : undefined;
      if (normalize !== undefined && typeof normalize !== 'boolean') invalid('normalize', 'must be a boolean');
      body.normalize = normalize ?? true;
    }
    return { body, warnings: droppedWarnings(inputs, request, 'bedrock-titan') };
  },
  decodeResponse(body, count, headers): EmbeddingBatchResult {
    const byType = isRecord(body.embeddingsByType) ? body.embeddingsByType.float : undefined;
    const vector = isVector(body.embedding) ? body.embedding : isVector(byType) ? byType : undefined;
    if (!vector || count !== 1) {
      throw new UpstreamError(`The upstream answered an unreadable Titan embedding for ${count} input(s)`);
    }
    const result: EmbeddingBatchResult = { vectors: [vector] };
    const tokens = num(body.inputTextTokenCount) ?? headerTokens(headers);
    if (tokens !== undefined) result.inputTokens = tokens;
    return result;
  },
};

/** Cohere's `input_type` values. */
const INPUT_TYPES = new Set(['search_document', 'search_query', 'classification', 'clustering']);

/**
 * Gemini's `taskType` as Cohere's `input_type`: queries are `search_query`, documents and everything
 * without a counterpart `search_document` (Cohere's advice for corpora).
 * @see https://ai.google.dev/api/embeddings#tasktype
 */
function inputTypeOfTask(taskType: string | undefined): string | undefined {
  switch (taskType) {
    case 'RETRIEVAL_QUERY':
    case 'QUESTION_ANSWERING':
    case 'CODE_RETRIEVAL_QUERY':
      return 'search_query';
    case 'CLASSIFICATION':
      return 'classification';
    case 'CLUSTERING':
      return 'clustering';
    case undefined:
      return undefined;
    default:
      return 'search_document';
  }
}

/**
 * Cohere Embed v3 English and Multilingual through InvokeModel: `{ texts, input_type }` with at most 96
 * texts per call (larger batches are split, the order kept), answered `{ embeddings, id,
 * response_type, texts }` with the input tokens in the `X-Amzn-Bedrock-Input-Token-Count` header.
 * `input_type` (required by v3) is `search_document` unless the caller says otherwise: an OpenAI
 * caller with an `input_type` field (one of Cohere's four), a Gemini caller with a `taskType` (inputs
 * of different types go in separate calls). An OpenAI caller's `truncate` (`NONE`, `START`, `END`) is
 * passed on. The vectors have 1024 values; any other `dimensions` is refused with 400.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed-v3.html
 */
export const bedrockCohereEmbeddingUpstream: EmbeddingUpstreamShape = {
  wire: 'bedrock-cohere',
  maxBatch: COHERE_MAX_EMBEDDING_TEXTS,
  batchKey: (input) => inputTypeOfTask(input.taskType) ?? 'search_document',
  encodeRequest(inputs, request, model): EncodedEmbeddingCall {
    const known = modelOf(model) ?? COHERE_V3;
    const texts = inputs.map((input) => {
      checkDimensions(input, request, model, known);
      return textOf(input, request, model);
    });
    let inputType = inputTypeOfTask(inputs[0]?.taskType) ?? 'search_document';
    const body: JsonObject = { texts, input_type: inputType };
    if (request.wire === 'openai') {
      const asked = request.body.input_type;
      if (asked !== undefined && asked !== null) {
        if (typeof asked !== 'string' || !INPUT_TYPES.has(asked)) {
          invalid('input_type', `must be one of ${[...INPUT_TYPES].join(', ')} for ${model}`);
        }
        inputType = asked;
        body.input_type = inputType;
      }
      const truncate = request.body.truncate;
      if (truncate !== undefined && truncate !== null) {
        if (truncate !== 'NONE' && truncate !== 'START' && truncate !== 'END') {
          invalid('truncate', "must be 'NONE', 'START' or 'END'");
        }
        body.truncate = truncate;
      }
    }
    return { body, warnings: droppedWarnings(inputs, request, 'bedrock-cohere') };
  },
  decodeResponse(body, count, headers): EmbeddingBatchResult {
    // `embeddings_floats` answers an array of vectors; `embeddings_by_type` an object with `float`.
    const embeddings = isRecord(body.embeddings) ? arr(body.embeddings.float) : arr(body.embeddings);
    if (embeddings.length !== count) {
      throw new UpstreamError(`The upstream answered ${embeddings.length} embeddings for ${count} texts`);
    }
    const vectors = embeddings.map((vector, i) => {
      if (!isVector(vector))
        throw new UpstreamError(`The upstream answered an unreadable embedding at embeddings[${i}]`);
      return vector;
    });
    const result: EmbeddingBatchResult = { vectors };
    const tokens = headerTokens(headers);
    if (tokens !== undefined) result.inputTokens = tokens;
    return result;
  },
};
