import { z } from 'zod';
import type { Credential } from '../../core/credential.js';
import { ConfigError } from '../../core/errors.js';

/** Provider id of Vertex AI credentials. */
export const VERTEX_PROVIDER = 'vertex';

/**
 * Who publishes a model on Vertex AI, which decides its API: `google` (Gemini: `generateContent`) or
 * `anthropic` (Claude: `rawPredict` with the Anthropic Messages body).
 */
export type VertexPublisher = 'google' | 'anthropic';

/** The Vertex-specific settings of a credential, kept in `credential.metadata.vertex`. */
export interface VertexSettings {
  /**
   * Google Cloud project id. Required with a service account (the key's `project_id` by default);
   * absent for an API key in express mode, which calls `publishers/google/models/…` without a project.
   */
  project?: string;
  /** Region (`us-central1`, `europe-west4`), multi-region (`us`, `eu`) or `global`. Default `global`. */
  location: string;
  /** The service account's email (the JWT's `iss`); service accounts only. */
  clientEmail?: string;
  /** The key's id (the JWT header's `kid`); service accounts only. */
  privateKeyId?: string;
  /** OAuth scope asked for. Default `https://www.googleapis.com/auth/cloud-platform`. */
  scope?: string;
  /**
   * Publisher per upstream model name, for models whose name does not say it. Default: `anthropic`
   * for names starting with `claude-`, `google` for the rest.
   */
  publishers?: Record<string, VertexPublisher>;
}

const settingsSchema = z
  .object({
    project: z.string().min(1).optional(),
    location: z.string().regex(/^[a-z0-9-]+$/, { message: 'must be a location id such as us-central1 or global' }),
    clientEmail: z.string().min(1).optional(),
    privateKeyId: z.string().min(1).optional(),
    scope: z.string().min(1).optional(),
    publishers: z.record(z.string(), z.enum(['google', 'anthropic'])).optional(),
  })
  .loose();

/** Parsed settings, once per credential object (credentials are replaced, never changed in place). */
const cache = new WeakMap<Credential, VertexSettings>();

/**
 * Reads and checks `credential.metadata.vertex`; a missing or malformed entry, or a service account
 * without a project, is a {@link ConfigError} saying what to set.
 *
 * @example
 * ```ts
 * readVertexSettings({ id: 'v', provider: 'vertex', metadata: { vertex: { project: 'p', location: 'global' } } });
 * // { project: 'p', location: 'global' }
 * ```
 */
export function readVertexSettings(credential: Credential): VertexSettings {
  const cached = cache.get(credential);
  if (cached) return cached;
  const fix = (what: string) =>
    new ConfigError(`Vertex AI credential ${credential.id} ${what}`, { credentialId: credential.id });
  const parsed = settingsSchema.safeParse(credential.metadata?.vertex ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fix(`has an invalid metadata.vertex.${issue.path.join('.')}: ${issue.message}`);
  }
  const { project, location, clientEmail, privateKeyId, scope, publishers } = parsed.data;
  if (credential.kind === 'oauth' && project === undefined) {
    throw fix('uses a service account but names no project: set metadata.vertex.project (`project` in YAML)');
  }
  const settings: VertexSettings = { location };
  if (project !== undefined) settings.project = project;
  if (clientEmail !== undefined) settings.clientEmail = clientEmail;
  if (privateKeyId !== undefined) settings.privateKeyId = privateKeyId;
  if (scope !== undefined) settings.scope = scope;
  if (publishers !== undefined) settings.publishers = publishers;
  cache.set(credential, settings);
  return settings;
}

/** The publisher of an upstream model on this credential. */
export function publisherOf(settings: VertexSettings, model: string): VertexPublisher {
  return settings.publishers?.[model] ?? (/^claude-/i.test(model) ? 'anthropic' : 'google');
}

/**
 * The Vertex AI host of a location: `global` is `aiplatform.googleapis.com`, the multi-regions `us`
 * and `eu` are `aiplatform.{us|eu}.rep.googleapis.com`, a region is `{region}-aiplatform.googleapis.com`.
 *
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/learn/locations
 * @example
 * ```ts
 * vertexBaseUrl('europe-west4'); // 'https://europe-west4-aiplatform.googleapis.com'
 * ```
 */
export function vertexBaseUrl(location: string): string {
  if (location === 'global') return 'https://aiplatform.googleapis.com';
  if (location === 'us' || location === 'eu') return `https://aiplatform.${location}.rep.googleapis.com`;
  return `https://${location}-aiplatform.googleapis.com`;
}
