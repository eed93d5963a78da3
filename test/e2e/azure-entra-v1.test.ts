import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAzure, startFakeAzure } from '../fakes/fake-azure.js';
import type { FakeReply } from '../fakes/fake-server.js';
import { CALLERS, Clients, EXPECTED_FINISH, WEATHER_TOOL } from './clients.js';
import { type Gateway, startGateway, stopAllGateways } from './gateway.js';

/**
 * An Azure resource on the v1 API reached with an Entra ID app, through `switchyard serve` from every
 * caller dialect: Responses callers go to `/openai/v1/responses`, the others to
 * `/openai/v1/chat/completions`, all with the one bearer token the gateway fetched.
 */

const KEY = 'sk-e2e-azure-entra';
const TOOL_REPLY: FakeReply = {
  text: 'Looking.',
  toolCalls: [{ name: WEATHER_TOOL.name, arguments: { city: 'Turku' } }],
};

let azure: FakeAzure;
let gateway: Gateway;
let clients: Clients;

beforeAll(async () => {
  azure = await startFakeAzure({ deployments: { 'gpt-4o-eu': 'gpt-4o-2024-08-06' } }, TOOL_REPLY);
  const { tenant, clientId, clientSecret } = azure.options.entra;
  gateway = await startGateway({
    'api-keys': [KEY],
    'azure-openai': [
      {
        endpoint: `${azure.endpoint}/openai/v1/`,
        'api-shape': 'v1',
        entra: {
          'tenant-id': tenant,
          'client-id': clientId,
          'client-secret': clientSecret,
          'token-url': azure.tokenUrl(),
        },
        models: [{ deployment: 'gpt-4o-eu', alias: 'gpt-4o' }],
      },
    ],
  });
  clients = new Clients(gateway.url, KEY);
});

afterAll(async () => {
  await stopAllGateways();
  await azure?.close();
});

describe('Azure OpenAI v1 API with Entra ID, every caller dialect', () => {
  for (const caller of CALLERS) {
    for (const stream of [false, true]) {
      it(`${caller}${stream ? ', stream' : ''}: a tool call through the ${caller === 'openai-responses' ? 'Responses' : 'Chat'} API`, async () => {
        const before = azure.requests.length;
        const out = await clients.call(caller, {
          model: 'gpt-4o',
          prompt: `weather ${caller}`,
          stream,
          withTools: true,
        });
        const sent = azure.requests.slice(before).filter((r) => r.path.startsWith('/openai/'));
        expect(sent).toHaveLength(1);
        const request = sent[0]!;
        expect(request.path).toBe(
          caller === 'openai-responses' ? '/openai/v1/responses' : '/openai/v1/chat/completions',
        );
        expect((request.body as { model?: string }).model).toBe('gpt-4o-eu');
        expect(request.headers.authorization).toBe(`Bearer ${azure.issuedTokens[0]}`);
        expect(request.headers['api-key']).toBeUndefined();
        expect(request.rawBody).not.toContain(azure.options.entra.clientSecret);
        expect(out.tools).toEqual(TOOL_REPLY.toolCalls);
        expect(out.finish).toBe(EXPECTED_FINISH[caller].tools);
      });
    }
  }

  it('fetched one token for all of them, and logged no secret', () => {
    expect(azure.tokenCalls).toHaveLength(1);
    const output = gateway.stdout() + gateway.stderr();
    expect(output).not.toContain(azure.options.entra.clientSecret);
    expect(output).not.toContain(azure.issuedTokens[0]);
  });
});
