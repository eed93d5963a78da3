import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeReply, FakeServer, RecordedRequest } from '../fakes/fake-server.js';
import {
  type ClientFixture,
  declaredToolNames,
  type FixtureAnswer,
  loadClientFixtures,
  sendFixture,
} from './client-fixtures.js';
import { Clients, EXPECTED_FINISH } from './clients.js';
import { startGateway, stopAllGateways } from './gateway.js';
import { upstreamProblems } from './upstream-validity.js';
import {
  MODELS,
  modelOf,
  providerConfig,
  SECRETS,
  secretOf,
  startUpstreams,
  UPSTREAM_NAMES,
  type UpstreamName,
  type Upstreams,
} from './upstreams.js';

/**
 * The request bodies of the clients our users run (test/fixtures/clients), each sent through the
 * gateway to every kind of upstream, streaming and not, and judged by the official SDK of its
 * dialect. Every fixture's answer is a tool call to one of the tools the client declared.
 */

const KEY = 'sk-e2e-clients-matrix';

/** The tool each fixture's answer calls (a tool the client declared), and its arguments. */
const CALLS: Record<string, { name: string; arguments: Record<string, unknown> }> = {
  'ai-sdk-anthropic.round-trip': { name: 'getWeather', arguments: { city: 'Lyon' } },
  'ai-sdk-google.round-trip': { name: 'getWeather', arguments: { city: 'Lyon' } },
  'ai-sdk-openai.chat-round-trip': { name: 'getWeather', arguments: { city: 'Lyon' } },
  'ai-sdk-openai.responses-first-turn': { name: 'getWeather', arguments: { city: 'Paris' } },
  'ai-sdk-openai.responses-round-trip': { name: 'getWeather', arguments: { city: 'Lyon' } },
  'claude-code.first-turn': { name: 'Bash', arguments: { command: 'ls src', description: 'List files in src' } },
  'claude-code.tool-round-trip': { name: 'Read', arguments: { file_path: '/home/user/project/src/index.ts' } },
  'codex-cli.first-turn': { name: 'exec_command', arguments: { cmd: 'npm test', yield_time_ms: 10000 } },
  'codex-cli.tool-round-trip': { name: 'exec_command', arguments: { cmd: 'npx vitest run test/a.test.ts' } },
  'gemini-cli.first-turn': { name: 'list_directory', arguments: { dir_path: '/home/user/project/src' } },
  'gemini-cli.tool-round-trip': { name: 'read_file', arguments: { file_path: '/home/user/project/src/index.ts' } },
  'langchain-chat-anthropic.round-trip': { name: 'get_weather', arguments: { city: 'Lyon' } },
  'langchain-chat-openai.round-trip': { name: 'get_weather', arguments: { city: 'Lyon' } },
};

/** A fixture whose assistant output is referenced by id (`item_reference`): the turn that made it. */
const EARLIER_TURN: Record<string, string> = {
  'ai-sdk-openai.responses-round-trip': 'ai-sdk-openai.responses-first-turn',
};

const fixtures = loadClientFixtures();
const byName = new Map(fixtures.map((f) => [f.name, f]));

let up: Upstreams;
let clients: Clients;
/** The tool call the fakes answer with next, named as the upstream request declared it. */
let wanted: { name: string; arguments: Record<string, unknown> } = { name: 'none', arguments: {} };

beforeAll(async () => {
  up = await startUpstreams();
  for (const name of UPSTREAM_NAMES) answerWithWantedCall(up[name]);
  const gateway = await startGateway({ 'api-keys': [KEY], ...providerConfig(up) });
  clients = new Clients(gateway.url, KEY);
});

afterAll(async () => {
  await stopAllGateways();
  await up?.close();
});

/**
 * Makes `fake` answer every request with text and a call to `wanted`, named as the request that
 * reached it declared that tool (so a renamed or flattened tool is called by its upstream name).
 * The fakes read `reply` once the request is recorded, so `fake.last` is the request being answered.
 */
function answerWithWantedCall(fake: FakeServer & { reply: FakeReply }): void {
  Object.defineProperty(fake, 'reply', {
    configurable: true,
    get(): FakeReply {
      const body = (fake.last?.body ?? {}) as Record<string, unknown>;
      const declared = declaredToolNames(body);
      const name =
        declared.find((n) => n === wanted.name) ??
        declared.find((n) => n.endsWith(wanted.name) || n.includes(wanted.name)) ??
        wanted.name;
      return { text: 'Let me check.', toolCalls: [{ name, arguments: wanted.arguments }] };
    },
    set() {},
  });
}

function posts(fake: FakeServer): RecordedRequest[] {
  return fake.requests.filter((r) => r.method === 'POST');
}

/** Sends `fixture` as the client would, and returns the SDK's answer with the upstream request it caused. */
async function run(
  fixture: ClientFixture,
  upstream: UpstreamName,
  stream: boolean,
): Promise<{ answer: FixtureAnswer; sent: RecordedRequest }> {
  const fake = up[upstream];
  const before = posts(fake).length;
  wanted = CALLS[fixture.name]!;
  const answer = await sendFixture(clients, fixture, MODELS[upstream].requested, stream);
  const after = posts(fake);
  expect(after.length, 'exactly one request reached the upstream').toBe(before + 1);
  return { answer, sent: after.at(-1)! };
}

/** The round-trip fixture with its `item_reference` and call ids taken from the earlier turn's answer. */
function withEarlierOutput(fixture: ClientFixture, earlier: FixtureAnswer): ClientFixture {
  const output = earlier.output ?? [];
  const message = output.find((item) => item.type === 'message');
  const call = output.find((item) => item.type === 'function_call');
  if (!message?.id || !call?.call_id) {
    throw new Error(`the earlier turn's answer has no message and function_call items: ${JSON.stringify(output)}`);
  }
  const text = JSON.stringify(fixture.body)
    .replaceAll('msg_REPLACED_BY_TEST', String(message.id))
    .replaceAll('call_REPLACED_BY_TEST', String(call.call_id))
    .replaceAll('fc_REPLACED_BY_TEST', String(call.id ?? call.call_id));
  return { ...fixture, body: JSON.parse(text) as Record<string, unknown> };
}

describe('recorded client requests × every upstream kind, through the official SDKs', () => {
  it('has a fixture for every client and a tool call for every fixture', () => {
    const clientsSeen = new Set(fixtures.map((f) => f.name.split('.')[0]));
    expect([...clientsSeen].sort()).toEqual([
      'ai-sdk-anthropic',
      'ai-sdk-google',
      'ai-sdk-openai',
      'claude-code',
      'codex-cli',
      'gemini-cli',
      'langchain-chat-anthropic',
      'langchain-chat-openai',
    ]);
    for (const fixture of fixtures) {
      expect(CALLS[fixture.name], fixture.name).toBeDefined();
      expect(declaredToolNames(fixture.body), fixture.name).toContain(CALLS[fixture.name]!.name);
    }
  });

  it("records Claude Code's own tool set with the schema keywords other providers refuse", () => {
    const tools = byName.get('claude-code.first-turn')!.body.tools as Array<{ input_schema: unknown }>;
    expect(tools.length).toBeGreaterThanOrEqual(24);
    const text = JSON.stringify(tools);
    for (const keyword of ['$schema', 'propertyNames', 'const', 'exclusiveMinimum', 'anyOf', 'additionalProperties']) {
      expect(text).toContain(`"${keyword}"`);
    }
  });

  for (const fixture of fixtures) {
    for (const upstream of UPSTREAM_NAMES) {
      for (const stream of [false, true]) {
        it(`${fixture.name} (${fixture.dialect}) → ${upstream}, ${stream ? 'stream' : 'non-stream'}`, async () => {
          let sendable = fixture;
          const earlierName = EARLIER_TURN[fixture.name];
          if (earlierName) {
            const earlier = await run(byName.get(earlierName)!, upstream, stream);
            sendable = withEarlierOutput(fixture, earlier.answer);
          }

          const { answer, sent } = await run(sendable, upstream, stream);

          // What reached the upstream is something it accepts.
          expect(secretOf(sent)).toBe(SECRETS[upstream]);
          expect(modelOf(upstream, sent)).toBe(MODELS[upstream].upstream);
          const problems = upstreamProblems(upstream, sent, stream);
          expect(problems, `the ${upstream} upstream got: ${problems.join('; ')}`).toEqual([]);
          // An `item_reference` to the gateway's own earlier answer reaches other upstreams as that
          // answer's text (a Responses upstream may get the reference to the item it stored).
          if (earlierName && upstream !== 'openai') expect(sent.rawBody).toContain('Let me check.');

          // The caller got the tool call in its own dialect, named as it declared the tool.
          expect(answer.toolCalls).toEqual([CALLS[fixture.name]]);
          expect(answer.finish).toBe(EXPECTED_FINISH[fixture.dialect].tools);
        });
      }
    }
  }
});
