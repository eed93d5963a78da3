import type { Logger } from '../../src/core/logger.js';
import type { OAuthProfile } from '../../src/oauth/index.js';

/** A logger that keeps every line as JSON text, to search for secrets. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (fields: Record<string, unknown>, message?: string) => {
    lines.push(JSON.stringify({ level, message, ...fields }, (_k, v) => (v instanceof Error ? v.message : v)));
  };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** Follows the authorization URL (the fake approves at once) and returns where it redirects. */
export async function approve(authorizationUrl: string): Promise<URL> {
  const response = await fetch(authorizationUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`authorize answered ${response.status}`);
  return new URL(location);
}

/** The tests' usual profile: a browser login at the fake `issuer` for an OpenAI-shaped API behind it. */
export function corpProfile(issuer: string, more: Partial<OAuthProfile> = {}): OAuthProfile {
  return {
    name: 'corp',
    issuer,
    clientId: 'cli-app',
    scopes: ['openid', 'email', 'offline_access'],
    flow: 'authorization_code',
    provider: 'openai',
    baseUrl: `${issuer}/v1`,
    ...more,
  };
}
