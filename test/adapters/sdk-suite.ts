import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreHandler } from '../../src/http/index.js';
import { KEY, setup } from '../http/helpers.js';

/** A server under test: the origin plus the mount path the SDKs use as their base URL. */
export interface Mounted {
  /** e.g. `http://127.0.0.1:1234/llm` */
  baseUrl: string;
  close(): Promise<void>;
}

/** The mock provider's documented token count: one token per four characters of the request's JSON. */
function mockTokenCount(body: unknown): number {
  return Math.max(1, Math.ceil(JSON.stringify(body).length / 4));
}

/**
 * Drives a mounted handler with the official SDKs (OpenAI, Anthropic, Google GenAI), non-stream and
 * stream, against a Manager on the mock provider.
 */
export function describeSdkClients(name: string, mount: (handler: CoreHandler) => Promise<Mounted>): void {
  describe(`${name}: official SDK clients`, () => {
    let server: Mounted;
    let openai: OpenAI;
    let anthropic: Anthropic;
    let google: GoogleGenAI;
    const ctx = setup();

    beforeAll(async () => {
      server = await mount(ctx.handler);
      openai = new OpenAI({ apiKey: KEY, baseURL: `${server.baseUrl}/v1`, maxRetries: 0 });
      anthropic = new Anthropic({ apiKey: KEY, baseURL: server.baseUrl, maxRetries: 0 });
      google = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: server.baseUrl } });
    });
    afterAll(() => server.close());

    it('OpenAI chat completion', async () => {
      const completion = await openai.chat.completions.create({
        model: 'mock-model',
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(completion.choices[0]?.message.content).toBe('Mock reply to: hi');
    });

    it('OpenAI chat completion stream', async () => {
      const stream = await openai.chat.completions.create({
        model: 'mock-model',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage = false;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (chunk.usage) usage = true;
      }
      expect(text).toBe('Mock reply to: hi');
      expect(usage).toBe(true);
    });

    it('OpenAI responses, non-stream and stream', async () => {
      const response = await openai.responses.create({ model: 'mock-model', input: 'hi' });
      expect(response.output_text).toBe('Mock reply to: hi');
      const stream = await openai.responses.create({ model: 'mock-model', input: 'hi', stream: true });
      let text = '';
      for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
      expect(text).toBe('Mock reply to: hi');
    });

    it('OpenAI models list and a wrong key', async () => {
      const models = await openai.models.list();
      expect(models.data.map((m) => m.id)).toContain('mock-model');
      const bad = new OpenAI({ apiKey: 'wrong', baseURL: `${server.baseUrl}/v1`, maxRetries: 0 });
      await expect(bad.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    });

    it('Anthropic message', async () => {
      const message = await anthropic.messages.create({
        model: 'mock-model',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(message.content[0]).toMatchObject({ type: 'text', text: 'Mock reply to: hi' });
    });

    it('Anthropic message stream', async () => {
      const stream = anthropic.messages.stream({
        model: 'mock-model',
        max_tokens: 64,
        messages: [{ role: 'user', content: 'hi' }],
      });
      let text = '';
      stream.on('text', (delta) => {
        text += delta;
      });
      const final = await stream.finalMessage();
      expect(text).toBe('Mock reply to: hi');
      expect(final.stop_reason).toBe('end_turn');
    });

    it('Anthropic count_tokens, models list and errors', async () => {
      const count = await anthropic.messages.countTokens({
        model: 'mock-model',
        messages: [{ role: 'user', content: 'hi' }],
      });
      const counted = ctx.mock.calls.at(-1)!;
      expect(counted.dialect).toBe('anthropic-messages');
      expect(count.input_tokens).toBe(mockTokenCount(counted.body));
      const models = await anthropic.models.list();
      expect(models.data.map((m) => m.id)).toContain('mock-model');
      const bad = new Anthropic({ apiKey: 'wrong', baseURL: server.baseUrl, maxRetries: 0 });
      await expect(
        bad.messages.create({ model: 'mock-model', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
      ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    });

    it('Gemini generateContent', async () => {
      const response = await google.models.generateContent({ model: 'mock-model', contents: 'hi' });
      expect(response.text).toBe('Mock reply to: hi');
    });

    it('Gemini generateContentStream', async () => {
      const stream = await google.models.generateContentStream({ model: 'mock-model', contents: 'hi' });
      let text = '';
      for await (const chunk of stream) text += chunk.text ?? '';
      expect(text).toBe('Mock reply to: hi');
    });

    it('Gemini countTokens and models list', async () => {
      const count = await google.models.countTokens({ model: 'mock-model', contents: 'hi' });
      const counted = ctx.mock.calls.at(-1)!;
      expect(counted.dialect).toBe('gemini');
      expect(count.totalTokens).toBe(mockTokenCount(counted.body));
      const pager = await google.models.list();
      const names: string[] = [];
      for await (const model of pager) names.push(String(model.name));
      expect(names).toContain('models/mock-model');
    });
  });
}
