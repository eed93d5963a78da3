import { z } from 'zod';
import type { Credential } from '../../core/credential.js';
import { ConfigError } from '../../core/errors.js';
import type { Dialect } from '../../translate/dialect.js';

/**
 * Which Bedrock runtime API a model is called through:
 * - `converse`: Converse / ConverseStream, the model-independent API (every caller dialect is
 *   translated to it; works for every model Converse supports);
 * - `invoke`: InvokeModel / InvokeModelWithResponseStream with the Anthropic Messages body (Claude
 *   models only), so Anthropic callers keep every Messages feature byte for byte;
 * - `auto` (default): `invoke` for Anthropic Messages callers of a Claude model, `converse` otherwise.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages.html
 */
export type BedrockMode = 'auto' | 'converse' | 'invoke';

/** The Bedrock-specific settings of a credential, kept in `credential.metadata.bedrock`. */
export interface BedrockSettings {
  /** The AWS region, e.g. `us-east-1` (SigV4 signs for it; the default endpoint is in it). */
  region: string;
  /** The access key id of SigV4 credentials (the secret is in `apiKey`). Absent: `apiKey` is a Bedrock API key. */
  accessKeyId?: string;
  /** The mode of models without their own. Default `auto`. */
  mode?: BedrockMode;
  /** The mode per upstream model id. */
  modes?: Record<string, BedrockMode>;
}

const modeSchema = z.enum(['auto', 'converse', 'invoke']);
const settingsSchema = z
  .object({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region such as us-east-1'),
    accessKeyId: z.string().min(1).optional(),
    mode: modeSchema.optional(),
    modes: z.record(z.string(), modeSchema).optional(),
  })
  .loose();

const cache = new WeakMap<Credential, BedrockSettings>();

/**
 * Reads and checks `credential.metadata.bedrock`; a missing region or secret is a {@link ConfigError}
 * saying what to set.
 *
 * @example
 * ```ts
 * readBedrockSettings({ id: 'b', provider: 'bedrock', apiKey: 'k', metadata: { bedrock: { region: 'us-west-2' } } });
 * // { region: 'us-west-2' }
 * ```
 */
export function readBedrockSettings(credential: Credential): BedrockSettings {
  const cached = cache.get(credential);
  if (cached) return cached;
  const fix = (what: string) =>
    new ConfigError(`Bedrock credential ${credential.id} ${what}`, { credentialId: credential.id });
  const parsed = settingsSchema.safeParse(credential.metadata?.bedrock ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fix(`has an invalid metadata.bedrock.${issue.path.join('.') || 'region'}: ${issue.message}`);
  }
  if (!credential.apiKey) {
    throw fix('has no secret: set the secret access key (with accessKeyId) or a Bedrock API key in apiKey');
  }
  const { region, accessKeyId, mode, modes } = parsed.data;
  const settings: BedrockSettings = { region };
  if (accessKeyId !== undefined) settings.accessKeyId = accessKeyId;
  if (mode !== undefined) settings.mode = mode;
  if (modes !== undefined) settings.modes = modes;
  cache.set(credential, settings);
  return settings;
}

/** True for Anthropic Claude model ids, inference profiles and ARNs naming one. */
export function isClaudeModel(model: string): boolean {
  return /(^|[./:])anthropic\.claude|claude/i.test(model);
}

/**
 * The dialect a call goes out in: `anthropic-messages` (InvokeModel with the Messages body) or
 * `bedrock-converse`, by the model's {@link BedrockMode}.
 */
export function bedrockDialect(caller: Dialect, settings: BedrockSettings, model: string | undefined): Dialect {
  const mode = (model === undefined ? undefined : settings.modes?.[model]) ?? settings.mode ?? 'auto';
  if (mode === 'invoke') return 'anthropic-messages';
  if (mode === 'converse') return 'bedrock-converse';
  return caller === 'anthropic-messages' && model !== undefined && isClaudeModel(model)
    ? 'anthropic-messages'
    : 'bedrock-converse';
}
