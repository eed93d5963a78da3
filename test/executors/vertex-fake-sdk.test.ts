/**
 * @google/genai with `vertexai: true` pointed at the fake Vertex AI: the SDK judges the fake before any
 * executor test relies on it. With a service account the SDK's own auth library signs the JWT and
 * exchanges it at the fake's token endpoint (its transporter is the only thing redirected: Google's
 * token URL is hard-coded there), so the fake's signature check is judged too. Nothing reaches Google.
 */
import { generateKeyPairSync } from 'node:crypto';
import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signServiceAccountJwt } from '../../src/executors/vertex/service-account.js';
import { type FakeVertex, startFakeVertex } from '../fakes/fake-vertex.js';

const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
let fake: FakeVertex;
const redirected: string[] = [];

beforeAll(async () => {
  // google-auth-library signs with Google's token URL as `aud`, whatever the key file says.
  fake = await startFakeVertex({ audience: GOOGLE_TOKEN_URL });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
  fake.tokenCalls.length = 0;
  redirected.length = 0;
  fake.reply = { text: 'Hello from fake Vertex' };
});

/** A gaxios-shaped transporter that sends the auth library's token request to the fake, and nothing else. */
function tokenTransporter() {
  return {
    interceptors: { request: { add() {} }, response: { add() {} } },
    async request(options: { url: string; method: string; data: URLSearchParams }) {
      redirected.push(options.url);
      if (options.url !== GOOGLE_TOKEN_URL) throw new Error(`unexpected auth request to ${options.url}`);
      const response = await fetch(fake.tokenUrl, {
        method: options.method,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: options.data,
      });
      const data = (await response.json()) as unknown;
      if (!response.ok) throw Object.assign(new Error(`token endpoint answered ${response.status}`), { data });
      return { data, status: response.status, headers: response.headers };
    },
  };
}

function serviceAccountClient(location = 'us-central1'): GoogleGenAI {
  const key = fake.serviceAccountKey;
  return new GoogleGenAI({
    vertexai: true,
    project: key.project_id!,
    location,
    httpOptions: { baseUrl: fake.url },
    googleAuthOptions: {
      credentials: { client_email: key.client_email!, private_key: key.private_key! },
      clientOptions: { transporter: tokenTransporter() } as never,
    },
  });
}

describe('@google/genai (vertexai: true) judges the fake Vertex AI', () => {
  it('gets a token with the SDK’s own signed JWT and answers generateContent on the project path', async () => {
    const ai = serviceAccountClient();
    const response = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(response.text).toBe('Hello from fake Vertex');
    expect(response.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    expect(redirected).toEqual([GOOGLE_TOKEN_URL]);
    expect(fake.tokenCalls).toHaveLength(1);
    const sent = fake.requests.find((r) => r.path.includes(':generateContent'))!;
    expect(sent.path).toBe(
      '/v1beta1/projects/acme-prod/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
    );
    expect(sent.headers.authorization).toBe(`Bearer ${fake.issuedTokens.at(-1)}`);
  });

  it('streams a tool call over alt=sse that the SDK reassembles, and counts tokens', async () => {
    fake.reply = { text: 'Let me check.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Lyon' } }] };
    const ai = serviceAccountClient('global');
    let text = '';
    const calls: unknown[] = [];
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'hi' })) {
      text += chunk.text ?? '';
      calls.push(...(chunk.functionCalls ?? []));
    }
    expect(text).toBe('Let me check.');
    expect(calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Lyon' } })]);
    const stream = fake.requests.find((r) => r.path.includes(':streamGenerateContent'))!;
    expect(stream.path).toBe(
      '/v1beta1/projects/acme-prod/locations/global/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    );
    const counted = await ai.models.countTokens({ model: 'gemini-2.5-pro', contents: 'hello world' });
    expect(counted.totalTokens).toBeGreaterThan(0);
  });

  it('serves express mode to an API key, without a project in the path', async () => {
    const ai = new GoogleGenAI({ vertexai: true, apiKey: fake.options.apiKey, httpOptions: { baseUrl: fake.url } });
    const response = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(response.text).toBe('Hello from fake Vertex');
    expect(fake.last!.path).toBe('/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(fake.last!.headers['x-goog-api-key']).toBe(fake.options.apiKey);
    expect(fake.tokenCalls).toHaveLength(0);
  });

  it('refuses a wrong API key, an unknown model and another project the way Vertex does', async () => {
    const wrong = new GoogleGenAI({ vertexai: true, apiKey: 'wrong-key', httpOptions: { baseUrl: fake.url } });
    const bad = await wrong.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }).catch((e) => e);
    expect(bad).toBeInstanceOf(ApiError);
    expect((bad as ApiError).status).toBe(400);
    expect((bad as ApiError).message).toContain('API_KEY_INVALID');

    const ai = serviceAccountClient();
    const missing = await ai.models.generateContent({ model: 'gemini-0-nope', contents: 'hi' }).catch((e) => e);
    expect((missing as ApiError).status).toBe(404);
    expect((missing as ApiError).message).toContain('NOT_FOUND');

    const other = new GoogleGenAI({
      vertexai: true,
      project: 'someone-else',
      location: 'us-central1',
      httpOptions: { baseUrl: fake.url },
      googleAuthOptions: {
        credentials: {
          client_email: fake.serviceAccountKey.client_email!,
          private_key: fake.serviceAccountKey.private_key!,
        },
        clientOptions: { transporter: tokenTransporter() } as never,
      },
    });
    const denied = await other.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }).catch((e) => e);
    expect((denied as ApiError).status).toBe(403);
    expect((denied as ApiError).message).toContain('PERMISSION_DENIED');
  });

  it('refuses at the token endpoint an assertion signed by another key, with invalid_grant', async () => {
    const stranger = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const assertion = signServiceAccountJwt({
      clientEmail: fake.serviceAccountKey.client_email!,
      privateKeyId: fake.serviceAccountKey.private_key_id!,
      privateKey: stranger.privateKey,
      tokenUrl: GOOGLE_TOKEN_URL,
      now: Date.now(),
    });
    const response = await fetch(fake.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
  });
});
