import { describe, expect, it, vi } from 'vitest';
import type { CoreRequestBody } from '../../src/http/index.js';
import { valueTooDeep } from '../../src/http/json-depth.js';
import { json, request, setup } from './helpers.js';

type Body = Record<string, unknown>;
const encoder = new TextEncoder();

/** JSON text of an object nested `levels` deep (JSON.stringify itself cannot write it). */
const nested = (levels: number) => `${'{"x":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`;

/** A body of each dialect holding `deep` (JSON text) in an unknown field, or in a tool's schema. */
const ROUTES = [
  {
    dialect: 'openai-chat',
    path: '/v1/chat/completions',
    field: (deep: string) => `{"model":"mock-model","messages":[{"role":"user","content":"hi"}],"extra":${deep}}`,
    tool: (deep: string) =>
      `{"model":"mock-model","messages":[{"role":"user","content":"hi"}],` +
      `"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"p":${deep}}}}}]}`,
    check: (b: Body, message: string) => {
      expect(b.error).toMatchObject({ type: 'invalid_request_error', message });
    },
  },
  {
    dialect: 'anthropic-messages',
    path: '/v1/messages',
    field: (deep: string) =>
      `{"model":"mock-model","max_tokens":8,"messages":[{"role":"user","content":"hi"}],"extra":${deep}}`,
    tool: (deep: string) =>
      `{"model":"mock-model","max_tokens":8,"messages":[{"role":"user","content":"hi"}],` +
      `"tools":[{"name":"f","input_schema":{"type":"object","properties":{"p":${deep}}}}]}`,
    check: (b: Body, message: string) => {
      expect(b).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message } });
    },
  },
  {
    dialect: 'gemini',
    path: '/v1beta/models/mock-model:generateContent',
    field: (deep: string) => `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"extra":${deep}}`,
    tool: (deep: string) =>
      `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],` +
      `"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"object","properties":{"p":${deep}}}}]}]}`,
    check: (b: Body, message: string) => {
      expect(b.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', message });
    },
  },
] as const;

const FORMS: Array<[string, (text: string) => CoreRequestBody]> = [
  ['raw bytes', (text) => encoder.encode(text)],
  [
    'a streamed body',
    (text) =>
      (async function* () {
        const bytes = encoder.encode(text);
        for (let i = 0; i < bytes.length; i += 1024) yield bytes.subarray(i, i + 1024);
      })(),
  ],
  ['a string', (text) => text],
  ['a value a framework parsed', (text) => JSON.parse(text) as Record<string, unknown>],
];

describe('createHandler: JSON depth limit', () => {
  for (const route of ROUTES) {
    for (const [where, build] of [
      ['an unknown field', route.field],
      ['a tool schema', route.tool],
    ] as const) {
      it.each(FORMS)(`refuses a ${route.dialect} body 5,000 levels deep in ${where}, as %s`, async (_form, toBody) => {
        const { handler, manager, mock } = setup();
        const execute = vi.spyOn(manager, 'execute');
        const res = await handler(request({ path: route.path, body: toBody(build(nested(5000))) }));
        expect(res.status).toBe(400);
        route.check(await json(res), expect.stringContaining('128') as unknown as string);
        expect(execute).not.toHaveBeenCalled();
        expect(mock.calls).toHaveLength(0);
      });
    }
  }

  it('serves a body just at the limit and refuses one level more', async () => {
    const { handler } = setup({ handler: { apiKeys: ['k'], maxJsonDepth: 8 } });
    const at = (levels: number) =>
      handler(
        request({
          headers: { authorization: 'Bearer k' },
          // The body itself is level 1, `messages` 2, a message 3: the field adds the rest.
          body: `{"model":"mock-model","messages":[{"role":"user","content":"hi"}],"extra":${nested(levels - 1)}}`,
        }),
      );
    expect((await at(8)).status).toBe(200);
    const refused = await at(9);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await json(refused))).toContain('deeper than 8 levels');
  });

  it('takes a new limit through update()', async () => {
    const { handler } = setup();
    const body = `{"model":"mock-model","messages":[{"role":"user","content":"hi"}],"extra":${nested(20)}}`;
    expect((await handler(request({ body }))).status).toBe(200);
    handler.update({ maxJsonDepth: 10 });
    const res = await handler(request({ body }));
    expect(res.status).toBe(400);
    expect(JSON.stringify(await json(res))).toContain('deeper than 10 levels');
  });

  it('counts depth as nesting of objects and arrays, over a deep value without recursion', () => {
    expect(valueTooDeep({}, 1)).toBe(false);
    expect(valueTooDeep({ a: [] }, 1)).toBe(true);
    expect(valueTooDeep({ a: [1, 'x', null] }, 2)).toBe(false);
    expect(valueTooDeep([[[]]], 2)).toBe(true);
    expect(valueTooDeep('text', 0)).toBe(false);
    expect(valueTooDeep(JSON.parse(nested(200_000)), 128)).toBe(true);
  });
});
