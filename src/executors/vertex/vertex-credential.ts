import { compact } from '../../core/compact.js';
import type { Credential, ModelEntry } from '../../core/credential.js';
import { GOOGLE_TOKEN_URL, parseServiceAccountKey, type ServiceAccountKey } from './service-account.js';
import { VERTEX_PROVIDER, type VertexPublisher, type VertexSettings, vertexBaseUrl } from './vertex-settings.js';

/** A model a Vertex AI credential serves, with the publisher when its name does not say it. */
export interface VertexModelEntry extends ModelEntry {
  /** Default: `anthropic` for `claude-*` names, else `google`. */
  publisher?: VertexPublisher;
}

/** Options of {@link vertexCredential}. */
export interface VertexCredentialOptions
  extends Pick<
    Credential,
    'label' | 'proxyUrl' | 'headers' | 'excludedModels' | 'group' | 'prefix' | 'priority' | 'weight' | 'disabled'
  > {
  id: string;
  /** Google Cloud project id. Default: the service account's `project_id`; none for an express-mode API key. */
  project?: string;
  /** Region, multi-region (`us`, `eu`) or `global`. Default `global`. */
  location?: string;
  /** Base URL instead of the location's host (see {@link vertexBaseUrl}), e.g. a private endpoint or a test fake. */
  baseUrl?: string;
  /** The models it serves: `name` upstream (`gemini-2.5-pro`, `claude-sonnet-4-5@20250929`), `alias` for clients. */
  models?: VertexModelEntry[];
  /** A service-account key (its JSON text or parsed object), or a Vertex AI API key. */
  auth: { serviceAccount: ServiceAccountKey | string } | { apiKey: string };
}

/**
 * Builds the {@link Credential} of a Vertex AI project. A service account makes an OAuth credential:
 * the private key is kept in `apiKey` (a secret like any other: masked, encrypted at rest, scrubbed
 * from messages, never sent anywhere; only JWTs signed with it are), the token endpoint in
 * `oauth.tokenUrl`, the email and key id in `metadata.vertex`, and the access token starts empty and
 * expired, so the first request fetches one through the Manager's single-flight refresh. An API key
 * goes in `apiKey` and is sent as `x-goog-api-key`; without a project it calls Vertex AI express mode.
 *
 * @example
 * ```ts
 * const credential = vertexCredential({
 *   id: 'vertex-prod', location: 'us-east5',
 *   models: [{ name: 'gemini-2.5-pro', alias: 'pro' }, { name: 'claude-sonnet-4-5@20250929', alias: 'sonnet' }],
 *   auth: { serviceAccount: readFileSync('service-account.json', 'utf8') },
 * });
 * ```
 */
export function vertexCredential(options: VertexCredentialOptions): Credential {
  const { id, project, location = 'global', baseUrl, models, auth, ...rest } = options;
  const vertex: Partial<VertexSettings> = { location };
  const credential: Credential = compact({
    ...rest,
    id,
    provider: VERTEX_PROVIDER,
    baseUrl: baseUrl?.replace(/\/+$/, '') ?? vertexBaseUrl(location),
  });
  if (models) {
    credential.models = models.map((m) => (m.alias ? { name: m.name, alias: m.alias } : { name: m.name }));
    const publishers: Record<string, VertexPublisher> = {};
    for (const m of models) if (m.publisher) publishers[m.name] = m.publisher;
    if (Object.keys(publishers).length > 0) vertex.publishers = publishers;
  }
  if ('apiKey' in auth) {
    credential.apiKey = auth.apiKey;
    if (project !== undefined) vertex.project = project;
  } else {
    const key = parseServiceAccountKey(auth.serviceAccount, `The service-account key of ${id}`);
    vertex.project = project ?? key.project_id;
    vertex.clientEmail = key.client_email;
    vertex.privateKeyId = key.private_key_id;
    credential.kind = 'oauth';
    credential.apiKey = key.private_key;
    credential.oauth = { accessToken: '', expiresAt: 0, tokenUrl: key.token_uri ?? GOOGLE_TOKEN_URL };
  }
  credential.metadata = { vertex };
  return credential;
}
