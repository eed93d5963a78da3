import { afterAll, describe, expect, it } from 'vitest';
import { parseExposition, value } from '../observe/parse-exposition.js';
import { startGateway, stopAllGateways } from './gateway.js';

afterAll(() => stopAllGateways());

describe('switchyard serve: GET /metrics', () => {
  it('serves the metrics to loopback clients, parsed strictly, and refuses forwarded requests', async () => {
    const gateway = await startGateway({ mock: true });
    const chat = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(200);
    await chat.text();
    const res = await fetch(`${gateway.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parseExposition(await res.text());
    expect(value(m, 'switchyard_requests_total', { dialect: 'openai-chat', status_class: '2xx' })).toBe(1);
    expect(value(m, 'switchyard_credentials', { provider: 'mock', state: 'up' })).toBeGreaterThan(0);
    // serve's default ledger (files beside the config) reports its drops.
    expect(value(m, 'switchyard_ledger_dropped_total', { sink: 'ledger' })).toBe(0);
    const forwarded = await fetch(`${gateway.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(forwarded.status).toBe(403);
    await forwarded.text();
  });

  it('serves a forwarded (remote) scraper that presents the management secret when remote management is allowed', async () => {
    const secret = 'mgmt-secret-metrics-0123456789';
    const gateway = await startGateway({
      mock: true,
      'remote-management': { 'secret-key': secret, 'allow-remote': true },
    });
    const remote = { 'x-forwarded-for': '203.0.113.9' };
    const without = await fetch(`${gateway.url}/metrics`, { headers: remote });
    expect(without.status).toBe(401);
    await without.text();
    const withKey = await fetch(`${gateway.url}/metrics`, {
      headers: { ...remote, authorization: `Bearer ${secret}` },
    });
    expect(withKey.status).toBe(200);
    expect(await withKey.text()).toContain('switchyard_requests_total');
  });
});
