/** The oauth4webapi module. */
export type OAuth4WebApi = typeof import('oauth4webapi');

let loading: Promise<OAuth4WebApi> | undefined;

/**
 * oauth4webapi, loaded on first use. It is published as ES modules only: a dynamic import keeps the
 * CommonJS build of switchyard loadable on Node versions that cannot `require()` an ES module, and
 * keeps it off the start-up path of gateways without OAuth profiles.
 */
export function oauth4webapi(): Promise<OAuth4WebApi> {
  loading ??= import('oauth4webapi');
  return loading;
}
