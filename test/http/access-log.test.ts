import { describe, expect, it, vi } from 'vitest';
import type { ExecuteResult } from '../../src/manager/types.js';
import { chatBody, geminiBody, json, KEY, request, setup, text, waitFor } from './helpers.js';
import { captureLogger } from './log-capture.js';

const accessLines = (logger: ReturnType<typeof captureLogger>) => logger.at('info').filter((l) => l.msg === 'request');

describe('createHandler: access log', () => {
  it('writes one info line per answer with route, status, model, credential, attempts, timings and tokens', async () => {
    const logger = captureLogger();
    const { handler } = setup({ handler: { apiKeys: [KEY], logger } });
    const res = await handler(request({ json: chatBody() }));
    expect(res.status).toBe(200);
    await waitFor(() => accessLines(logger).length === 1);
    const [line] = accessLines(logger);
    expect(line!.fields).toMatchObject({
      requestId: res.headers['x-request-id'],
      method: 'POST',
      route: '/v1/chat/completions',
      status: 200,
      model: 'mock-model',
      credentialId: expect.stringMatching(/^[ab]$/),
      attempts: 1,
      latencyMs: expect.any(Number),
      ttfbMs: expect.any(Number),
      promptTokens: expect.any(Number),
      completionTokens: expect.any(Number),
    });
    expect(line!.fields.completionTokens as number).toBeGreaterThan(0);
  });

  it('counts the attempts an answer took', async () => {
    const logger = captureLogger();
    const { handler, mock } = setup({ behaviours: { a: { statuses: [503] } }, handler: { apiKeys: [KEY], logger } });
    await handler(request({ json: chatBody() }));
    await handler(request({ json: chatBody() }));
    await waitFor(() => accessLines(logger).length === 2);
    // Exactly one of the two requests met the failing credential first.
    expect(mock.calls).toHaveLength(3);
    expect(
      accessLines(logger)
        .map((l) => l.fields.attempts)
        .sort(),
    ).toEqual([1, 2]);
  });

  it('logs a stream when it ends, with its time to first byte and tokens', async () => {
    const logger = captureLogger();
    const { handler } = setup({
      behaviours: { a: { chunkDelayMs: 5 }, b: { chunkDelayMs: 5 } },
      handler: { apiKeys: [KEY], logger },
    });
    const res = await handler(request({ json: chatBody({ stream: true, stream_options: { include_usage: true } }) }));
    await new Promise((r) => setTimeout(r, 20));
    expect(accessLines(logger)).toHaveLength(0);
    await text(res);
    await waitFor(() => accessLines(logger).length === 1);
    const fields = accessLines(logger)[0]!.fields;
    expect(fields).toMatchObject({ status: 200, outcome: 'completed', promptTokens: expect.any(Number) });
    expect(fields.latencyMs as number).toBeGreaterThanOrEqual(fields.ttfbMs as number);
  });

  it('logs a stream the client left, once', async () => {
    const logger = captureLogger();
    const { handler } = setup({
      behaviours: { a: { chunkDelayMs: 20 }, b: { chunkDelayMs: 20 } },
      handler: { apiKeys: [KEY], logger },
    });
    const res = await handler(request({ json: chatBody({ stream: true }) }));
    const iterator = (res.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return?.();
    await iterator.return?.();
    await waitFor(() => accessLines(logger).length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(accessLines(logger)).toHaveLength(1);
    expect(accessLines(logger)[0]!.fields).toMatchObject({ outcome: 'client_gone', ttfbMs: expect.any(Number) });
  });

  it('logs refused requests with their status, and unknown paths without the path', async () => {
    const logger = captureLogger();
    const { handler } = setup({ handler: { apiKeys: [KEY], logger } });
    await handler(request({ json: chatBody(), headers: { authorization: 'Bearer wrong' } }));
    await handler(request({ path: `/v1/${KEY}/x`, json: chatBody() }));
    await handler(request({ json: chatBody({ model: 'no-such-model' }) }));
    await waitFor(() => accessLines(logger).length === 3);
    expect(accessLines(logger).map((l) => [l.fields.route, l.fields.status])).toEqual([
      ['/v1/chat/completions', 401],
      ['unmatched', 404],
      ['/v1/chat/completions', 404],
    ]);
    expect(JSON.stringify(logger.lines)).not.toContain(KEY);
  });

  it('never logs a key (query or headers) nor prompt content', async () => {
    const logger = captureLogger();
    const secret = 'PROMPT-SENTINEL-7f3a';
    const { handler } = setup({ handler: { apiKeys: [KEY], logger } });
    const body = { contents: [{ role: 'user', parts: [{ text: secret }] }] };
    const streamed = await handler(
      request({
        path: '/v1beta/models/mock-model:streamGenerateContent',
        query: new URLSearchParams({ alt: 'sse', key: KEY }),
        headers: { 'content-type': 'application/json', 'x-goog-api-key': KEY, 'x-api-key': KEY },
        json: body,
      }),
    );
    expect(await text(streamed)).toContain(secret);
    const plain = await handler(
      request({
        path: '/v1beta/models/mock-model:generateContent',
        query: new URLSearchParams({ key: KEY }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        json: { ...geminiBody(), contents: body.contents },
      }),
    );
    expect(plain.status).toBe(200);
    await json(plain);
    await waitFor(() => accessLines(logger).length === 2);
    expect(accessLines(logger).map((l) => l.fields.route)).toEqual([
      '/v1beta/models/{model}:streamGenerateContent',
      '/v1beta/models/{model}:generateContent',
    ]);
    const all = JSON.stringify(logger.lines);
    expect(all).not.toContain(KEY);
    expect(all).not.toContain(secret);
  });
});

describe('createHandler: failures while relaying and client aborts', () => {
  it('logs a stream that fails while relaying once, with its cause', async () => {
    const logger = captureLogger();
    const onError = vi.fn();
    const { handler, manager } = setup({ handler: { apiKeys: [KEY], logger, onError } });
    const real = await manager.execute({ dialect: 'openai-chat', body: chatBody({ stream: true }) });
    await text({ status: 200, headers: {}, body: real.body });
    const failing: ExecuteResult = {
      ...real,
      body: (async function* () {
        yield new TextEncoder().encode('data: {}\n\n');
        throw new Error('relay broke', { cause: new Error('socket buffer exploded') });
      })(),
    };
    vi.spyOn(manager, 'execute').mockResolvedValue(failing);
    const res = await handler(request({ json: chatBody({ stream: true }) }));
    await expect(text(res)).rejects.toThrow('relay broke');
    const errors = logger.at('error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.fields).toMatchObject({ error: 'Error: relay broke', cause: 'Error: socket buffer exploded' });
    expect(onError).toHaveBeenCalledOnce();
    await waitFor(() => accessLines(logger).length === 1);
    expect(accessLines(logger)[0]!.fields.outcome).toBe('failed');
  });

  it('logs a body read that fails because the client left at debug, not error', async () => {
    const logger = captureLogger();
    const onError = vi.fn();
    const { handler, mock } = setup({ handler: { apiKeys: [KEY], logger, onError } });
    const controller = new AbortController();
    const res = await handler(
      request({
        signal: controller.signal,
        body: (async function* () {
          yield new TextEncoder().encode('{"model":"mock-model",');
          controller.abort();
          // What a Web stream's reader throws when the client disconnects.
          throw new TypeError('terminated');
        })(),
      }),
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(logger.at('error')).toHaveLength(0);
    expect(onError).not.toHaveBeenCalled();
    expect(logger.at('debug').map((l) => l.msg)).toContain('the client went away');
    expect(mock.calls).toHaveLength(0);
  });
});
