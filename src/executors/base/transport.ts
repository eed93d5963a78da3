import { socksDispatcher } from 'fetch-socks';
import { Agent, type Dispatcher, ProxyAgent } from 'undici';
import type { Credential } from '../../core/credential.js';
import { ConfigError } from '../../core/errors.js';

/** Options of {@link createTransport}. */
export interface TransportOptions {
  /** Dispatcher for direct connections; default a shared keep-alive Agent. */
  dispatcher?: Dispatcher;
  /** Proxy for credentials without their own `proxyUrl`. */
  proxyUrl?: string;
  connectTimeoutMs: number;
}

/** Picks the dispatcher a credential's requests go through. */
export interface Transport {
  dispatcherFor(credential: Credential): Dispatcher;
  /** Closes the proxy dispatchers created here. */
  close(): Promise<void>;
}

// One pool per connect timeout, shared by all executors: keep-alive connections are the point.
const sharedAgents = new Map<number, Agent>();

function sharedAgent(connectTimeoutMs: number): Agent {
  let agent = sharedAgents.get(connectTimeoutMs);
  if (!agent) {
    agent = new Agent({ keepAliveTimeout: 30_000, connect: { timeout: connectTimeoutMs } });
    sharedAgents.set(connectTimeoutMs, agent);
  }
  return agent;
}

/**
 * Routes each credential through its proxy (`http(s)://` via undici's ProxyAgent, `socks4/5://` via
 * fetch-socks), the executor-wide proxy, or directly (`direct` bypasses the executor-wide proxy).
 * Proxy dispatchers are created once per URL and kept, so their connections are reused.
 *
 * @example
 * ```ts
 * const transport = createTransport({ connectTimeoutMs: 10_000, proxyUrl: 'http://proxy:3128' });
 * transport.dispatcherFor({ id: 'a', provider: 'openai', proxyUrl: 'direct' }); // the shared Agent
 * ```
 */
export function createTransport(options: TransportOptions): Transport {
  const proxies = new Map<string, Dispatcher>();
  const direct = () => options.dispatcher ?? sharedAgent(options.connectTimeoutMs);
  return {
    dispatcherFor(credential) {
      const proxyUrl = credential.proxyUrl?.trim() || options.proxyUrl?.trim();
      if (!proxyUrl || proxyUrl === 'direct') return direct();
      let dispatcher = proxies.get(proxyUrl);
      if (!dispatcher) {
        dispatcher = createProxyDispatcher(proxyUrl, options.connectTimeoutMs, credential.id);
        proxies.set(proxyUrl, dispatcher);
      }
      return dispatcher;
    },
    async close() {
      const all = [...proxies.values()];
      proxies.clear();
      await Promise.all(all.map((d) => d.close()));
    },
  };
}

function createProxyDispatcher(proxyUrl: string, connectTimeoutMs: number, credentialId: string): Dispatcher {
  let url: URL;
  try {
    url = new URL(proxyUrl);
  } catch (cause) {
    // The URL may carry proxy credentials, so it is not quoted.
    throw new ConfigError(`Credential ${credentialId} has an invalid proxy URL`, { credentialId, cause });
  }
  switch (url.protocol) {
    case 'http:':
    case 'https:':
      // ProxyAgent reads user:password from the URL into Proxy-Authorization itself.
      return new ProxyAgent({ uri: proxyUrl, connect: { timeout: connectTimeoutMs } });
    case 'socks:':
    case 'socks5:':
    case 'socks5h:':
    case 'socks4:':
    case 'socks4a:':
      return socksDispatcher(
        {
          type: url.protocol.startsWith('socks4') ? 4 : 5,
          host: url.hostname,
          port: Number(url.port || 1080),
          ...(url.username ? { userId: decodeURIComponent(url.username) } : {}),
          ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
        },
        { connect: { timeout: connectTimeoutMs } },
      );
    default:
      throw new ConfigError(`Credential ${credentialId} has a proxy URL with unsupported scheme ${url.protocol}`, {
        credentialId,
      });
  }
}
