import type { Credential } from '../core/credential.js';
import { compileWildcard } from '../core/wildcard.js';

/** A requested model split into its routing parts. */
export interface ModelRequest {
  /** The model name without prefix or provider, as credentials list it. */
  model: string;
  /** `team-a` in `team-a/claude-sonnet-4-5`, when a credential has that prefix. */
  prefix?: string;
  /** `anthropic` in `anthropic,claude-sonnet-4-5`. */
  provider?: string;
}

/** The credentials that serve one requested model, with the upstream model name each one uses. */
export interface Route {
  request: ModelRequest;
  /** Stable key for cursors and cooldowns: `[provider,][prefix/]model`. */
  key: string;
  candidates: readonly Credential[];
  /** Upstream model name per credential id. */
  upstreamModel: ReadonlyMap<string, string>;
}

/** Options of {@link ModelRouter}. */
export interface ModelRouterOptions {
  /** When true, credentials with a prefix only serve requests that name their prefix. Default false. */
  forceModelPrefix?: boolean;
  /** How many distinct requested model strings to remember. Default 1000. */
  cacheSize?: number;
}

interface Compiled {
  credential: Credential;
  excluded: Array<(model: string) => boolean>;
}

/**
 * Resolves a requested model to its candidate credentials: per-credential model lists with aliases,
 * exclusions with wildcards, prefix routing (`team-a/model`) and `provider,model` to force a provider.
 * Routes are cached per requested string and rebuilt when the credential set changes.
 */
export class ModelRouter {
  readonly #forcePrefix: boolean;
  readonly #cacheSize: number;
  #compiled: Compiled[] = [];
  #prefixes = new Set<string>();
  #cache = new Map<string, Route | null>();

  constructor(options: ModelRouterOptions = {}) {
    this.#forcePrefix = options.forceModelPrefix ?? false;
    this.#cacheSize = options.cacheSize ?? 1000;
  }

  /** Replaces the credential set (in store order). */
  setCredentials(credentials: readonly Credential[]): void {
    this.#compiled = credentials
      .filter((c) => !c.disabled)
      .map((credential) => ({ credential, excluded: (credential.excludedModels ?? []).map(compileWildcard) }));
    this.#prefixes = new Set(credentials.flatMap((c) => (c.prefix ? [c.prefix] : [])));
    this.#cache.clear();
  }

  /** Splits `provider,prefix/model` into its parts. A `/` only counts as a prefix when a credential has it. */
  parse(requested: string): ModelRequest {
    let rest = requested.trim();
    let provider: string | undefined;
    const comma = rest.indexOf(',');
    if (comma > 0) {
      provider = rest.slice(0, comma).trim();
      rest = rest.slice(comma + 1).trim();
    }
    const slash = rest.indexOf('/');
    if (slash > 0 && this.#prefixes.has(rest.slice(0, slash))) {
      return { model: rest.slice(slash + 1), prefix: rest.slice(0, slash), ...(provider ? { provider } : {}) };
    }
    return { model: rest, ...(provider ? { provider } : {}) };
  }

  /** The route for a requested model, or undefined when no credential serves it. */
  resolve(requested: string): Route | undefined {
    const cached = this.#cache.get(requested);
    if (cached !== undefined) return cached ?? undefined;
    const route = this.#build(requested);
    if (this.#cache.size >= this.#cacheSize) this.#cache.clear();
    this.#cache.set(requested, route ?? null);
    return route;
  }

  /** Every model name clients can ask for (aliases and listed names), with the providers serving it. */
  listModels(): Array<{ id: string; providers: string[] }> {
    const out = new Map<string, Set<string>>();
    for (const { credential } of this.#compiled) {
      for (const entry of credential.models ?? []) {
        const names = entry.alias ? [entry.alias] : [entry.name];
        for (const name of names) {
          const id = credential.prefix ? `${credential.prefix}/${name}` : name;
          for (const key of this.#forcePrefix || !credential.prefix ? [id] : [id, name]) {
            let providers = out.get(key);
            if (!providers) {
              providers = new Set();
              out.set(key, providers);
            }
            providers.add(credential.provider);
          }
        }
      }
    }
    return [...out].map(([id, providers]) => ({ id, providers: [...providers] }));
  }

  #build(requested: string): Route | undefined {
    const request = this.parse(requested);
    let candidates: Credential[] = [];
    const upstreamModel = new Map<string, string>();
    let listed = false;
    for (const { credential, excluded } of this.#compiled) {
      if (request.provider && credential.provider !== request.provider) continue;
      if (request.prefix ? credential.prefix !== request.prefix : this.#forcePrefix && credential.prefix) continue;
      const upstream = upstreamName(credential, request.model);
      if (upstream === undefined) continue;
      if (excluded.some((m) => m(request.model) || m(upstream))) continue;
      const explicit = credential.models !== undefined && credential.models.length > 0;
      // A name some credential lists explicitly is served by those credentials only.
      if (explicit && !listed) {
        listed = true;
        candidates = candidates.filter((c) => c.models !== undefined && c.models.length > 0);
      } else if (!explicit && listed) continue;
      candidates.push(credential);
      upstreamModel.set(credential.id, upstream);
    }
    if (candidates.length === 0) return undefined;
    const key = `${request.provider ? `${request.provider},` : ''}${request.prefix ? `${request.prefix}/` : ''}${request.model}`;
    return { request, key, candidates, upstreamModel };
  }
}

/** The upstream name a credential uses for a requested model, or undefined when it does not serve it. */
function upstreamName(credential: Credential, model: string): string | undefined {
  const models = credential.models;
  if (!models || models.length === 0) {
    const family = modelFamily(model);
    return family === undefined || servesFamily(credential.provider, family) || credential.provider === 'mock'
      ? model
      : undefined;
  }
  const lower = model.toLowerCase();
  for (const entry of models) {
    if (entry.alias !== undefined && entry.alias.toLowerCase() === lower) return entry.name;
  }
  for (const entry of models) {
    if (entry.name.toLowerCase() === lower) return entry.name;
  }
  return undefined;
}

/**
 * Well-known model families. A credential without a model list serves any model, except those that
 * clearly belong to another provider: an Anthropic key is not offered `gpt-4o`.
 */
const FAMILIES: ReadonlyArray<readonly [string, RegExp]> = [
  ['anthropic', /^claude/i],
  ['openai', /^(gpt-|o[1-9](-|$)|chatgpt|codex|text-embedding|dall-e|whisper|tts-)/i],
  ['gemini', /^(gemini|gemma|learnlm|imagen|veo)/i],
];

/**
 * Providers serving other providers' model families: Codex API keys are OpenAI keys (Responses only),
 * Azure OpenAI deployments run OpenAI's models (and are often named after them), Vertex AI serves
 * Google's Gemini and Anthropic's Claude.
 */
const FAMILIES_OF_PROVIDER: Readonly<Record<string, readonly string[]>> = {
  codex: ['openai'],
  'azure-openai': ['openai'],
  vertex: ['gemini', 'anthropic'],
};

function servesFamily(provider: string, family: string): boolean {
  return (FAMILIES_OF_PROVIDER[provider] ?? [provider]).includes(family);
}

/** The provider a model name obviously belongs to, if any. */
export function modelFamily(model: string): string | undefined {
  for (const [provider, re] of FAMILIES) if (re.test(model)) return provider;
  return undefined;
}
