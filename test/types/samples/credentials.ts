import { SwitchyardError } from 'switchyard';
import { manager } from './context.js';

// #region credentials
// Add: routed at once here, and by every instance following the same store (file, PostgreSQL).
await manager.addCredential({ id: 'claude-c', provider: 'anthropic', apiKey: process.env.ANTHROPIC_KEY_C });

// Rotate a key: the record's `version` makes the save fail (`conflict`) if someone changed it meanwhile;
// a new secret lifts the credential's cooldowns, including "disabled after a 401".
const current = await manager.store.get('claude-c');
if (current) {
  try {
    await manager.updateCredential({ ...current, apiKey: process.env.ANTHROPIC_KEY_C_NEXT });
  } catch (err) {
    if (!(err instanceof SwitchyardError && err.kind === 'conflict')) throw err;
    // read it again and retry, or give up
  }
}

// Remove: no new request goes to it; its cooldowns are forgotten.
await manager.removeCredential('claude-c');
// #endregion credentials
