import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type Anthropic from '@anthropic-ai/sdk';
import type { GenerateContentParameters, GenerateContentResponse } from '@google/genai';
import type OpenAI from 'openai';
import type { Caller, Clients } from './clients.js';

/** A request body recorded from a real client (see test/fixtures/clients/README.md). */
export interface ClientFixture {
  /** The file name without `.json`. */
  name: string;
  client: string;
  dialect: Caller;
  /** The path the client posts to (for Gemini, with the model it names). */
  path: string;
  query: Record<string, string>;
  /** The client's own headers, without credentials. */
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** A tool call as the caller's SDK reported it. */
export interface CallerToolCall {
  name: string;
  arguments: Record<string, unknown>;
  /** Responses only: the `namespace` a namespaced tool's call carries. */
  namespace?: string;
}

/** What a fixture's answer said, reduced to what the matrix checks. */
export interface FixtureAnswer {
  toolCalls: CallerToolCall[];
  /** The dialect's own finish reason. */
  finish: string | null | undefined;
  /** Responses only: the output items, so a later turn can refer to them. */
  output?: Array<Record<string, unknown>>;
}

const DIR = resolve(import.meta.dirname, '../fixtures/clients');

/** Every fixture in test/fixtures/clients, sorted by name. */
export function loadClientFixtures(): ClientFixture[] {
  return readdirSync(DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Omit<ClientFixture, 'name'>;
      return { name: file.replace(/\.json$/, ''), ...parsed };
    });
}

/**
 * Sends `fixture` through the gateway with the official SDK of its dialect, naming `model` and
 * streaming or not, and returns what that SDK made of the answer (it throws on any non-2xx answer
 * and, when streaming, on an event sequence it cannot assemble).
 */
export async function sendFixture(
  clients: Clients,
  fixture: ClientFixture,
  model: string,
  stream: boolean,
): Promise<FixtureAnswer> {
  const headers = fixture.headers;
  const body: Record<string, unknown> = { ...fixture.body, model };
  delete body.stream;
  switch (fixture.dialect) {
    case 'anthropic-messages': {
      // The SDK's beta namespace is what adds `?beta=true`, as it does for Claude Code.
      const messages = (fixture.query.beta === 'true'
        ? clients.anthropic.beta.messages
        : clients.anthropic.messages) as unknown as Pick<Anthropic.Messages, 'create' | 'stream'>;
      const params = body as unknown as Anthropic.MessageCreateParamsNonStreaming;
      const message = stream
        ? await messages.stream(params, { headers }).finalMessage()
        : await messages.create({ ...params, stream: false }, { headers });
      return fromMessage(message as Anthropic.Message);
    }
    case 'openai-chat': {
      const chat = clients.openai.chat.completions;
      if (!stream) delete body.stream_options;
      const completion = stream
        ? await chat.stream(body as never, { headers }).finalChatCompletion()
        : await chat.create({ ...body, stream: false } as never, { headers });
      return fromCompletion(completion as OpenAI.ChatCompletion);
    }
    case 'openai-responses': {
      const responses = clients.openai.responses;
      const response = stream
        ? await responses.stream(body as never, { headers }).finalResponse()
        : await responses.create({ ...body, stream: false } as never, { headers });
      return fromResponse(response as OpenAI.Responses.Response);
    }
    case 'gemini': {
      const params = geminiParams(body, model, headers);
      const chunks: GenerateContentResponse[] = [];
      if (stream) {
        for await (const chunk of await clients.google.models.generateContentStream(params)) chunks.push(chunk);
      } else {
        chunks.push(await clients.google.models.generateContent(params));
      }
      return fromGemini(chunks);
    }
  }
}

/** The `@google/genai` parameters that make the SDK send the fixture's wire body. */
function geminiParams(
  body: Record<string, unknown>,
  model: string,
  headers: Record<string, string>,
): GenerateContentParameters {
  const { contents, systemInstruction, tools, toolConfig, safetySettings, generationConfig } = body as Record<
    string,
    never
  >;
  return {
    model,
    contents: contents ?? [],
    config: {
      ...((generationConfig ?? {}) as Record<string, unknown>),
      ...(systemInstruction ? { systemInstruction } : {}),
      ...(tools ? { tools } : {}),
      ...(toolConfig ? { toolConfig } : {}),
      ...(safetySettings ? { safetySettings } : {}),
      httpOptions: { headers },
    },
  };
}

function fromMessage(message: Anthropic.Message): FixtureAnswer {
  const toolCalls: CallerToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'tool_use') {
      toolCalls.push({ name: block.name, arguments: block.input as Record<string, unknown> });
    }
  }
  return { toolCalls, finish: message.stop_reason };
}

function fromCompletion(completion: OpenAI.ChatCompletion): FixtureAnswer {
  const choice = completion.choices[0];
  const toolCalls = (choice?.message.tool_calls ?? []).flatMap((call) =>
    call.type === 'function' ? [{ name: call.function.name, arguments: parseArgs(call.function.arguments) }] : [],
  );
  return { toolCalls, finish: choice?.finish_reason };
}

function fromResponse(response: OpenAI.Responses.Response): FixtureAnswer {
  const toolCalls: CallerToolCall[] = [];
  const output = response.output as unknown as Array<Record<string, unknown>>;
  for (const item of output) {
    if (item.type !== 'function_call') continue;
    const call: CallerToolCall = { name: item.name as string, arguments: parseArgs(item.arguments as string) };
    if (typeof item.namespace === 'string') call.namespace = item.namespace;
    toolCalls.push(call);
  }
  return { toolCalls, finish: response.status, output };
}

function fromGemini(chunks: GenerateContentResponse[]): FixtureAnswer {
  const toolCalls: CallerToolCall[] = [];
  let finish: string | undefined;
  for (const chunk of chunks) {
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall)
        toolCalls.push({ name: part.functionCall.name ?? '', arguments: part.functionCall.args ?? {} });
    }
    if (candidate?.finishReason) finish = candidate.finishReason;
  }
  return { toolCalls, finish };
}

function parseArgs(text: string): Record<string, unknown> {
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/**
 * The names of the function tools an upstream request declared, whatever its dialect (namespaced
 * Responses tools as `namespace` + name pairs).
 */
export function declaredToolNames(body: Record<string, unknown>): string[] {
  const names: string[] = [];
  const converse = (body.toolConfig as { tools?: Array<{ toolSpec?: { name?: string } }> } | undefined)?.tools ?? [];
  for (const tool of converse) if (tool.toolSpec?.name) names.push(tool.toolSpec.name);
  for (const tool of (body.tools ?? []) as Array<Record<string, unknown>>) {
    const fn = tool.function as { name?: string } | undefined;
    if (fn?.name) names.push(fn.name);
    else if (typeof tool.name === 'string' && tool.type !== 'namespace') names.push(tool.name);
    for (const nested of (tool.tools ?? []) as Array<{ name?: string }>) if (nested.name) names.push(nested.name);
    for (const decl of (tool.functionDeclarations ?? []) as Array<{ name?: string }>)
      if (decl.name) names.push(decl.name);
  }
  return names;
}
