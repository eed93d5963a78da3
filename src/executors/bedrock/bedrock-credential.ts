import { compact } from '../../core/compact.js';
import type { Credential, ModelEntry } from '../../core/credential.js';
import type { BedrockMode, BedrockSettings } from './bedrock-settings.js';

/** Provider id of Bedrock credentials. */
export const BEDROCK_PROVIDER = 'bedrock';

/** A model a Bedrock credential serves: the Bedrock model id, an alias clients ask for, and its mode. */
export interface BedrockModelEntry extends ModelEntry {
  /** Which runtime API serves it. Default: the credential's `mode`, else `auto`. */
  mode?: BedrockMode;
}

/** AWS access keys, signed with SigV4 (service `bedrock`). */
export interface BedrockAwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  /** For temporary credentials (STS, SSO), sent as `x-amz-security-token`. */
  sessionToken?: string;
}

/** Options of {@link bedrockCredential}. */
export interface BedrockCredentialOptions
  extends Pick<
    Credential,
    'label' | 'proxyUrl' | 'headers' | 'excludedModels' | 'group' | 'prefix' | 'priority' | 'weight' | 'disabled'
  > {
  id: string;
  /** The AWS region, e.g. `us-east-1`. */
  region: string;
  /** Endpoint override (a VPC endpoint, a test server). Default `https://bedrock-runtime.{region}.amazonaws.com`. */
  endpoint?: string;
  /** AWS access keys (SigV4), or a Bedrock API key (`Authorization: Bearer`), which replaces SigV4. */
  auth: BedrockAwsKeys | { apiKey: string };
  /** The mode of models without their own. Default `auto`. */
  mode?: BedrockMode;
  /** The models it serves (model ids, inference-profile ids or ARNs). Absent: clients name model ids directly. */
  models?: BedrockModelEntry[];
}

/** The default runtime endpoint of a region. */
export function bedrockEndpoint(region: string): string {
  return `https://bedrock-runtime.${region}.amazonaws.com`;
}

/**
 * Builds the {@link Credential} of a Bedrock account. The secret access key (or the Bedrock API key)
 * is kept in `apiKey` and a session token in `oauth.accessToken`, so both are secrets like any other
 * (masked, encrypted at rest, scrubbed from messages); the credential stays an API-key credential
 * (nothing to refresh). The region, access key id and modes go in `metadata.bedrock`.
 *
 * @example
 * ```ts
 * const credential = bedrockCredential({
 *   id: 'aws-us', region: 'us-east-1',
 *   auth: { accessKeyId: process.env.AWS_ACCESS_KEY_ID!, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY! },
 *   models: [{ name: 'us.anthropic.claude-sonnet-4-20250514-v1:0', alias: 'claude-sonnet-4' }],
 * });
 * ```
 */
export function bedrockCredential(options: BedrockCredentialOptions): Credential {
  const { id, region, endpoint, auth, mode, models, ...rest } = options;
  const bedrock: BedrockSettings = { region };
  if (mode !== undefined) bedrock.mode = mode;
  const credential: Credential = compact({
    ...rest,
    id,
    provider: BEDROCK_PROVIDER,
    baseUrl: (endpoint ?? bedrockEndpoint(region)).replace(/\/+$/, ''),
  });
  if (models) {
    credential.models = models.map(({ mode: _mode, ...entry }) => entry);
    const modes: Record<string, BedrockMode> = {};
    for (const entry of models) if (entry.mode !== undefined) modes[entry.name] = entry.mode;
    if (Object.keys(modes).length > 0) bedrock.modes = modes;
  }
  if ('apiKey' in auth) {
    credential.apiKey = auth.apiKey;
  } else {
    bedrock.accessKeyId = auth.accessKeyId;
    credential.apiKey = auth.secretAccessKey;
    if (auth.sessionToken) credential.oauth = { accessToken: auth.sessionToken };
  }
  credential.metadata = { bedrock };
  return credential;
}
