import type { RecordedRequest } from '../fakes/fake-server.js';
import type { UpstreamName } from './upstreams.js';

type Json = Record<string, unknown>;

/**
 * What in `request` the real upstream of kind `kind` would refuse (or could not have been meant to
 * receive), as readable sentences: an empty list when the request is valid for it. `stream` is what
 * the caller asked for.
 * - `compat`: an OpenAI-compatible Chat Completions service (no Responses, no `developer` role).
 * - `azure`: an Azure OpenAI deployment's Chat Completions (`/openai/deployments/{deployment}/chat/completions`).
 * - `openai`: a Responses-only upstream (`codex-api-key`).
 * - `anthropic`: the Messages API.
 * - `gemini`: the Gemini API (`generateContent` / `streamGenerateContent?alt=sse`).
 * - `vertex-gemini`: the same bodies on Vertex AI's project path.
 * - `vertex-claude`: Claude on Vertex AI, the Messages body on `rawPredict` / `streamRawPredict` with
 *   `anthropic_version: vertex-2023-10-16` and without `model`.
 */
export function upstreamProblems(kind: UpstreamName, request: RecordedRequest, stream: boolean): string[] {
  const body = (request.body ?? {}) as Json;
  switch (kind) {
    case 'compat':
      return chatProblems(request, body, stream);
    case 'azure':
      return chatProblems(request, body, stream, /^\/openai\/deployments\/[^/]+\/chat\/completions$/);
    case 'openai':
      return responsesProblems(request, body, stream);
    case 'anthropic':
      return anthropicProblems(request, body, stream);
    case 'gemini':
      return geminiProblems(request, body, stream);
    case 'bedrock':
      return bedrockProblems(request, body, stream);
    case 'vertex-claude':
      return vertexClaudeProblems(request, body, stream);
    case 'vertex-gemini':
      return geminiProblems(request, body, stream, VERTEX_GEMINI_PATH);
  }
}

/**
 * Bedrock: Converse at `/model/{id}/converse(-stream)` with Converse content blocks and nothing of
 * another dialect, or InvokeModel at `/model/{id}/invoke(-with-response-stream)` with Claude's
 * Messages body (`anthropic_version: bedrock-2023-05-31`, no `model`, no `stream`).
 */
function bedrockProblems(request: RecordedRequest, body: Json, stream: boolean): string[] {
  const out: string[] = [];
  const operation = /^\/model\/[^/]+\/([a-z-]+)$/.exec(request.path.split('?')[0]!)?.[1];
  if (operation === undefined) return [`Bedrock was called at ${request.path}`];
  const streaming = operation === 'converse-stream' || operation === 'invoke-with-response-stream';
  if (streaming !== stream) out.push(`${operation} for a caller that asked stream: ${stream}`);
  if (!Array.isArray(body.messages)) return [...out, 'no `messages` array'];
  if (operation.startsWith('invoke')) {
    if (body.anthropic_version !== 'bedrock-2023-05-31')
      out.push('InvokeModel without anthropic_version bedrock-2023-05-31');
    out.push(...foreignFields(body, ['model', 'stream'], 'InvokeModel'));
    return out;
  }
  out.push(
    ...foreignFields(
      body,
      ['model', 'stream', 'max_tokens', 'tools', 'tool_choice', 'contents', 'input', 'thinking', 'temperature'],
      'Converse',
    ),
  );
  for (const [i, message] of (body.messages as Json[]).entries()) {
    if (message.role !== 'user' && message.role !== 'assistant')
      out.push(`messages[${i}] has role ${String(message.role)}`);
    if (i > 0 && (body.messages as Json[])[i - 1]!.role === message.role) out.push(`messages[${i}] repeats the role`);
    for (const block of (Array.isArray(message.content) ? message.content : []) as Json[]) {
      const keys = Object.keys(block);
      const known = ['text', 'image', 'document', 'toolUse', 'toolResult', 'reasoningContent', 'cachePoint'];
      if (keys.length !== 1 || !known.includes(keys[0]!))
        out.push(`messages[${i}] has a block ${JSON.stringify(keys)}`);
    }
  }
  for (const tool of ((body.toolConfig as Json | undefined)?.tools ?? []) as Json[]) {
    const name = (tool.toolSpec as Json | undefined)?.name;
    if (tool.cachePoint === undefined && (typeof name !== 'string' || !OPENAI_TOOL_NAME.test(name)))
      out.push(`a tool named ${String(name)}`);
  }
  return out;
}

const OPENAI_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function foreignFields(body: Json, fields: string[], where: string): string[] {
  return fields.filter((f) => body[f] !== undefined).map((f) => `${where} received the foreign field \`${f}\``);
}

function chatProblems(
  request: RecordedRequest,
  body: Json,
  stream: boolean,
  route: RegExp = /^\/v1\/chat\/completions$/,
): string[] {
  const out: string[] = [];
  const path = request.path.split('?')[0]!;
  if (!route.test(path)) out.push(`a Chat-only upstream was called at ${path}`);
  if (!Array.isArray(body.messages)) return [...out, 'no `messages` array'];
  if (body.stream !== undefined && body.stream !== stream)
    out.push(`stream is ${body.stream}, the caller asked ${stream}`);
  if (body.stream_options !== undefined && body.stream !== true) out.push('`stream_options` without `stream: true`');
  out.push(
    ...foreignFields(
      body,
      [
        'input',
        'instructions',
        'include',
        'reasoning',
        'max_output_tokens',
        'thinking',
        'output_config',
        'system',
        'context_management',
        'prompt_cache_key',
        'client_metadata',
      ],
      'a Chat upstream',
    ),
  );
  const calls = new Set<string>();
  (body.messages as Json[]).forEach((m, i) => {
    if (!['system', 'user', 'assistant', 'tool'].includes(m.role as string)) {
      out.push(`messages[${i}].role is '${String(m.role)}' (compatible services take system/user/assistant/tool)`);
    }
    for (const call of (m.tool_calls ?? []) as Json[]) calls.add(call.id as string);
    if (m.role === 'tool' && !calls.has(m.tool_call_id as string)) {
      out.push(`messages[${i}] answers tool call ${String(m.tool_call_id)}, which no earlier assistant message made`);
    }
  });
  for (const [i, tool] of ((body.tools ?? []) as Json[]).entries()) {
    const name = (tool.function as Json | undefined)?.name;
    if (tool.type !== 'function' || typeof name !== 'string') out.push(`tools[${i}] is not a function tool`);
    else if (!OPENAI_TOOL_NAME.test(name)) out.push(`tools[${i}] has the invalid name '${name}'`);
  }
  return out;
}

const RESPONSES_ITEMS = new Set([
  'message',
  'function_call',
  'function_call_output',
  'reasoning',
  'item_reference',
  'custom_tool_call',
  'custom_tool_call_output',
  'web_search_call',
  'local_shell_call',
  'local_shell_call_output',
]);

function responsesProblems(request: RecordedRequest, body: Json, stream: boolean): string[] {
  const out: string[] = [];
  const path = request.path.split('?')[0];
  if (path !== '/v1/responses') out.push(`a Responses-only upstream was called at ${path}`);
  if (body.input === undefined) return [...out, 'no `input`'];
  if (body.stream !== undefined && body.stream !== stream)
    out.push(`stream is ${body.stream}, the caller asked ${stream}`);
  out.push(
    ...foreignFields(
      body,
      [
        'messages',
        'max_tokens',
        'thinking',
        'output_config',
        'system',
        'stream_options',
        'context_management',
        'tool_config',
      ],
      'a Responses upstream',
    ),
  );
  if (body.instructions !== undefined && typeof body.instructions !== 'string')
    out.push('`instructions` is not a string');
  const calls = new Set<string>();
  const items = Array.isArray(body.input) ? (body.input as Json[]) : [];
  items.forEach((item, i) => {
    const type = (item.type as string | undefined) ?? (item.role ? 'message' : undefined);
    if (!type || !RESPONSES_ITEMS.has(type)) out.push(`input[${i}] has the unknown type '${String(type)}'`);
    if (type === 'message' && !['user', 'assistant', 'system', 'developer'].includes(item.role as string)) {
      out.push(`input[${i}].role is '${String(item.role)}'`);
    }
    if (type === 'function_call') calls.add(item.call_id as string);
    if (type === 'function_call_output' && !calls.has(item.call_id as string) && !body.previous_response_id) {
      out.push(`input[${i}] answers call ${String(item.call_id)}, which no earlier function_call item made`);
    }
    // The fake upstream only ever produced ids ending in `_fake<n>`: a reference to anything else
    // points at an item this upstream never stored.
    if (type === 'item_reference' && !/_fake\d+$/.test(String(item.id))) {
      out.push(`input[${i}] references item ${String(item.id)}, which this upstream never produced`);
    }
  });
  for (const [i, tool] of ((body.tools ?? []) as Json[]).entries()) {
    if (tool.type === 'function' && (typeof tool.name !== 'string' || tool.function !== undefined)) {
      out.push(`tools[${i}] is not a Responses function tool ({type, name, parameters})`);
    }
  }
  return out;
}

const ANTHROPIC_TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

const VERTEX_GEMINI_PATH = /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/[^/:]+:([A-Za-z]+)$/;

function vertexClaudeProblems(request: RecordedRequest, body: Json, stream: boolean): string[] {
  const out: string[] = [];
  const path = request.path.split('?')[0] ?? '';
  const method = /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/anthropic\/models\/[^/:]+:([A-Za-z]+)$/.exec(
    path,
  )?.[1];
  const wanted = stream ? 'streamRawPredict' : 'rawPredict';
  if (method !== wanted) out.push(`Claude on Vertex AI was called at ${path}, not :${wanted}`);
  if (body.anthropic_version !== 'vertex-2023-10-16') out.push('no `anthropic_version: vertex-2023-10-16`');
  if (body.model !== undefined) out.push('a `model` in the body (Vertex AI takes it in the path)');
  // Otherwise the Messages API's rules, whatever the path and header.
  const messages = anthropicProblems(request, body, stream, true);
  return [...out, ...messages];
}

function anthropicProblems(request: RecordedRequest, body: Json, stream: boolean, onVertex = false): string[] {
  const out: string[] = [];
  const path = request.path.split('?')[0];
  if (!onVertex && path !== '/v1/messages') out.push(`the Messages API was called at ${path}`);
  if (!onVertex && !request.headers['anthropic-version']) out.push('no anthropic-version header');
  if (typeof body.max_tokens !== 'number') out.push('no `max_tokens`');
  if (body.stream !== undefined && body.stream !== stream)
    out.push(`stream is ${body.stream}, the caller asked ${stream}`);
  if (body.temperature !== undefined && body.top_p !== undefined) {
    out.push('`temperature` and `top_p` both set (current Claude models refuse that)');
  }
  out.push(
    ...foreignFields(
      body,
      [
        'input',
        'instructions',
        'reasoning_effort',
        'reasoning',
        'response_format',
        'stream_options',
        'generationConfig',
        'prompt_cache_key',
        'parallel_tool_calls',
        'include',
        'store',
        'client_metadata',
      ],
      'the Messages API',
    ),
  );
  if (typeof body.tool_choice === 'string') out.push('`tool_choice` is a string (Anthropic takes an object)');
  const betas = String(request.headers['anthropic-beta'] ?? '');
  const thinking = body.thinking as Json | undefined;
  if (thinking && !['enabled', 'disabled', 'adaptive'].includes(thinking.type as string)) {
    out.push(`thinking.type is '${String(thinking.type)}'`);
  }
  if (thinking?.type === 'enabled') {
    const budget = thinking.budget_tokens as number;
    if (!(budget >= 1024) || !(budget < (body.max_tokens as number))) {
      out.push(`thinking.budget_tokens ${budget} is not in [1024, max_tokens)`);
    }
  }
  const messages = Array.isArray(body.messages) ? (body.messages as Json[]) : [];
  if (messages.length === 0) out.push('no messages');
  let lastToolUses = new Set<string>();
  messages.forEach((m, i) => {
    const systemAllowed = m.role === 'system' && betas.includes('mid-conversation-system-');
    if (m.role !== 'user' && m.role !== 'assistant' && !systemAllowed) {
      out.push(`messages[${i}].role is '${String(m.role)}' without the mid-conversation-system beta`);
    }
    const blocks = Array.isArray(m.content) ? (m.content as Json[]) : [];
    if (m.role === 'user') {
      for (const block of blocks) {
        if (block.type === 'tool_result' && !lastToolUses.has(block.tool_use_id as string)) {
          out.push(
            `messages[${i}] has a tool_result for ${String(block.tool_use_id)} without its tool_use just before`,
          );
        }
      }
    }
    if (m.role === 'assistant') {
      lastToolUses = new Set(blocks.filter((b) => b.type === 'tool_use').map((b) => b.id as string));
      for (const block of blocks) {
        if (block.type === 'thinking' && typeof block.signature !== 'string')
          out.push(`messages[${i}] thinking without signature`);
      }
    } else if (m.role === 'user') {
      lastToolUses = new Set();
    }
  });
  for (const [i, tool] of ((body.tools ?? []) as Json[]).entries()) {
    const custom = tool.type === undefined || tool.type === 'custom';
    // Server tools are versioned (`web_search_20250305`, `bash_20250124`, ...).
    if (!custom && !/_\d{8}$/.test(String(tool.type)))
      out.push(`tools[${i}] has the type '${String(tool.type)}', which Anthropic does not know`);
    if (!custom) continue;
    if (typeof tool.name !== 'string' || !ANTHROPIC_TOOL_NAME.test(tool.name))
      out.push(`tools[${i}] has the invalid name '${String(tool.name)}'`);
    const schema = tool.input_schema as Json | undefined;
    if (schema?.type !== 'object') out.push(`tools[${i}] (${String(tool.name)}) has no object input_schema`);
  }
  return out;
}

const GEMINI_TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/;
/** The keys of Gemini's OpenAPI-subset `Schema` (the `parameters` of a function declaration). */
const GEMINI_SCHEMA_KEYS = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'items',
  'minimum',
  'maximum',
]);
/** JSON Schema keywords Gemini refuses even in `parametersJsonSchema`. */
const GEMINI_JSON_SCHEMA_REFUSED = ['$schema', 'propertyNames', 'const', 'exclusiveMinimum', 'exclusiveMaximum'];
const GEMINI_TOOL_KEYS = new Set([
  'functionDeclarations',
  'googleSearch',
  'googleSearchRetrieval',
  'codeExecution',
  'urlContext',
  'fileSearch',
  'googleMaps',
  'computerUse',
]);
const GEMINI_GENERATION_KEYS = new Set([
  'stopSequences',
  'responseMimeType',
  'responseSchema',
  'responseJsonSchema',
  'responseModalities',
  'candidateCount',
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'seed',
  'presencePenalty',
  'frequencyPenalty',
  'responseLogprobs',
  'logprobs',
  'thinkingConfig',
  'mediaResolution',
  'speechConfig',
  'imageConfig',
]);

function geminiProblems(
  request: RecordedRequest,
  body: Json,
  stream: boolean,
  route = /^\/v1beta\/models\/[^/:]+:([A-Za-z]+)$/,
): string[] {
  const out: string[] = [];
  const [path, query = ''] = request.path.split('?');
  const method = route.exec(path ?? '')?.[1];
  const wanted = stream ? 'streamGenerateContent' : 'generateContent';
  if (method !== wanted) out.push(`Gemini was called at ${path}, not :${wanted}`);
  if (stream && !new URLSearchParams(query).has('alt')) out.push('a Gemini stream without alt=sse');
  out.push(
    ...foreignFields(
      body,
      ['model', 'messages', 'input', 'system', 'max_tokens', 'temperature', 'stream', 'thinking', 'metadata'],
      'Gemini',
    ),
  );
  for (const key of Object.keys((body.generationConfig ?? {}) as Json)) {
    if (!GEMINI_GENERATION_KEYS.has(key)) out.push(`generationConfig.${key} is not a Gemini field`);
  }
  const thinking = (body.generationConfig as Json | undefined)?.thinkingConfig as Json | undefined;
  if (thinking?.thinkingBudget !== undefined && thinking.thinkingLevel !== undefined) {
    out.push('thinkingConfig sets both thinkingBudget and thinkingLevel');
  }
  const called = new Set<string>();
  const contents = Array.isArray(body.contents) ? (body.contents as Json[]) : [];
  if (contents.length === 0) out.push('no contents');
  contents.forEach((c, i) => {
    if (c.role !== 'user' && c.role !== 'model') out.push(`contents[${i}].role is '${String(c.role)}'`);
    for (const part of (c.parts ?? []) as Json[]) {
      const call = part.functionCall as Json | undefined;
      if (call) called.add(call.name as string);
      const response = part.functionResponse as Json | undefined;
      if (response && !called.has(response.name as string)) {
        out.push(
          `contents[${i}] has a functionResponse for '${String(response.name)}' that no earlier functionCall made`,
        );
      }
    }
  });
  for (const [i, tool] of ((body.tools ?? []) as Json[]).entries()) {
    for (const key of Object.keys(tool)) {
      if (!GEMINI_TOOL_KEYS.has(key)) out.push(`tools[${i}] has '${key}', which is not a Gemini tool`);
    }
    for (const decl of (tool.functionDeclarations ?? []) as Json[]) {
      const name = String(decl.name);
      if (!GEMINI_TOOL_NAME.test(name)) out.push(`function '${name}' has an invalid Gemini name`);
      if (decl.parameters !== undefined && decl.parametersJsonSchema !== undefined) {
        out.push(`function '${name}' sets both parameters and parametersJsonSchema`);
      }
      if (decl.parameters !== undefined) {
        walkSchema(decl.parameters, `${name}.parameters`, (key, where) => {
          if (!GEMINI_SCHEMA_KEYS.has(key)) out.push(`${where} has '${key}', which Gemini's Schema refuses`);
        });
      }
      if (decl.parametersJsonSchema !== undefined) {
        walkSchema(decl.parametersJsonSchema, `${name}.parametersJsonSchema`, (key, where) => {
          if (GEMINI_JSON_SCHEMA_REFUSED.includes(key)) out.push(`${where} has '${key}', which Gemini refuses`);
        });
      }
    }
  }
  return out;
}

/** Calls `visit` with every keyword of every (sub)schema in `schema` (property names are not keywords). */
function walkSchema(schema: unknown, where: string, visit: (key: string, where: string) => void): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  for (const [key, value] of Object.entries(schema as Json)) {
    visit(key, where);
    if (key === 'properties' || key === '$defs' || key === 'definitions' || key === 'patternProperties') {
      for (const [prop, sub] of Object.entries((value ?? {}) as Json)) walkSchema(sub, `${where}.${prop}`, visit);
    } else if (key === 'items' || key === 'additionalProperties' || key === 'not' || key === 'propertyNames') {
      walkSchema(value, `${where}.${key}`, visit);
    } else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf' || key === 'prefixItems') {
      if (!Array.isArray(value)) continue;
      for (const [i, sub] of value.entries()) walkSchema(sub, `${where}.${key}[${i}]`, visit);
    }
  }
}
