import { describe, expect, it } from 'vitest';
import { type Credential, Manager, MemoryStateStore, MemoryTokenStore, mockExecutor } from '../../src/index.js';

/**
 * The access token one instance fetched reaches the others through the state store's values (see
 * test/stores/azure-entra-instances.test.ts for three instances on Redis); here, what an instance does
 * with what it finds there.
 */

const chat = {
  dialect: 'openai-chat' as const,
  body: { model: 'oauth-model', messages: [{ role: 'user', content: 'hi' }] },
};
const HOUR = 3_600_000;

function expired(): Credential {
  return {
    id: 'o1',
    provider: 'mock',
    kind: 'oauth',
    oauth: { accessToken: 'stale', refreshToken: 'rt-secret', expiresAt: Date.now() - 1_000 },
    models: [{ name: 'oauth-model' }],
  };
}

async function instance(state: MemoryStateStore) {
  const mock = mockExecutor();
  const store = new MemoryTokenStore([expired()]);
  const manager = new Manager({ store, state, executors: [mock] });
  await manager.start();
  return { manager, mock, store };
}

describe('access tokens shared through the state store', () => {
  it('publishes a refreshed access token with its expiry, never the refresh token', async () => {
    const state = new MemoryStateStore();
    const { manager, mock } = await instance(state);
    await manager.execute(chat);
    expect(mock.refreshCount).toBe(1);
    const [raw] = state.getValues(['oauth-token:o1']);
    const shared = JSON.parse(raw!) as Record<string, unknown>;
    expect(Object.keys(shared).sort()).toEqual(['accessToken', 'expiresAt']);
    expect(shared.accessToken).toBe(mock.calls[0]!.secret);
    expect(raw).not.toContain('rt-secret');
    await manager.close();
  });

  it('adopts a fresh shared token instead of refreshing, and keeps it in its own store', async () => {
    const state = new MemoryStateStore();
    state.setValue(
      'oauth-token:o1',
      JSON.stringify({ accessToken: 'from-another', expiresAt: Date.now() + HOUR }),
      HOUR,
    );
    const { manager, mock, store } = await instance(state);
    await manager.execute(chat);
    expect(mock.refreshCount).toBe(0);
    expect(mock.calls[0]!.secret).toBe('from-another');
    expect((await store.get('o1'))!.oauth).toMatchObject({ accessToken: 'from-another', refreshToken: 'rt-secret' });
    await manager.close();
  });

  it('refreshes itself when the shared token is malformed or about to expire', async () => {
    for (const value of ['{not json', JSON.stringify({ accessToken: 'nearly-gone', expiresAt: Date.now() + 60_000 })]) {
      const state = new MemoryStateStore();
      state.setValue('oauth-token:o1', value, HOUR);
      const { manager, mock } = await instance(state);
      await manager.execute(chat);
      expect(mock.refreshCount, value).toBe(1);
      expect(mock.calls[0]!.secret, value).not.toBe('nearly-gone');
      await manager.close();
    }
  });
});
