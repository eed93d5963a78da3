// Rotation-safe storage of refreshed tokens: with a server that rotates refresh tokens the old one is
// dead once the new one is issued, so the new one must never be lost, whatever the store does.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Credential } from '../../src/core/credential.js';
import { ConflictError, UpstreamError } from '../../src/core/errors.js';
import { openaiExecutor } from '../../src/executors/openai/openai-executor.js';
import { Manager } from '../../src/manager/manager.js';
import { MemoryTokenStore } from '../../src/manager/stores/memory/memory-token-store.js';
import type { SaveOptions } from '../../src/manager/stores/types.js';
import { OAuthFlows } from '../../src/oauth/index.js';
import { type FakeOidc, startFakeOidc } from '../fakes/fake-oidc.js';
import { approve, corpProfile, recordingLogger } from './helpers.js';

const chat = {
  dialect: 'openai-chat' as const,
  body: { model: 'corp-model', messages: [{ role: 'user', content: 'hi' }] },
};
let fake: FakeOidc;

beforeAll(async () => {
  fake = await startFakeOidc();
});
afterAll(() => fake.close());

async function login(): Promise<Credential> {
  let saved: Credential | undefined;
  const flows = new OAuthFlows({
    profiles: [corpProfile(fake.issuer)],
    save: async (c) => (saved = c),
  });
  const flow = await flows.start('corp', { redirectUri: 'http://127.0.0.1:9/cb' });
  await flows.callback((await approve(flow.authorizationUrl!)).searchParams);
  return { ...saved!, oauth: { ...saved!.oauth!, expiresAt: Date.now() - 1_000 } };
}

/** A memory store whose next save of refreshed tokens fails as `fail` says. */
class FlakyStore extends MemoryTokenStore {
  fail: 'conflict' | 'down' | undefined;
  override async save(credential: Credential, options?: SaveOptions): Promise<Credential> {
    const mode = this.fail;
    if (mode && credential.oauth?.refreshToken === fake.refreshTokens.at(-1)) {
      this.fail = undefined;
      if (mode === 'conflict') {
        // Someone edited the record meanwhile.
        const current = (await this.get(credential.id))!;
        await super.save({ ...current, label: 'edited by an operator' });
        throw new ConflictError('the record changed', { credentialId: credential.id });
      }
      throw new UpstreamError('the store is down');
    }
    return super.save(credential, options);
  }
}

it('merges the new tokens into a record edited meanwhile', async () => {
  const credential = await login();
  const store = new FlakyStore([credential]);
  const manager = new Manager({ store, executors: [openaiExecutor()] });
  await manager.start();
  store.fail = 'conflict';
  expect((await manager.execute(chat)).status).toBe(200);
  const after = (await store.get(credential.id))!;
  expect(after.label).toBe('edited by an operator');
  expect(after.oauth!.refreshToken).toBe(fake.refreshTokens.at(-1));
  expect(after.oauth!.accessToken).toBe(fake.accessTokens.at(-1));
  await manager.close();
});

it('keeps using the new tokens when the store refuses them, and says so without the tokens', async () => {
  const credential = await login();
  const store = new FlakyStore([credential]);
  const logger = recordingLogger();
  const manager = new Manager({ store, executors: [openaiExecutor()], logger });
  await manager.start();
  store.fail = 'down';
  expect((await manager.execute(chat)).status).toBe(200);
  expect(fake.apiCalls.at(-1)).toBe(fake.accessTokens.at(-1));
  const text = logger.lines.join('\n');
  expect(text).toContain('refreshed tokens could not be saved');
  for (const s of [...fake.accessTokens, ...fake.refreshTokens]) expect(text).not.toContain(s);
  await manager.close();
});
