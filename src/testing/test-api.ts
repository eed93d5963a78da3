import type * as Vitest from 'vitest';

/**
 * The test functions a contract suite registers its cases with: pass vitest's (`import * as vitest from
 * 'vitest'`), or any runner's with the same shape. Taking them as a parameter keeps `switchyard/testing`
 * loadable from CommonJS and free of a hard dependency on one runner.
 */
export type TestApi = Pick<typeof Vitest, 'describe' | 'it' | 'expect' | 'beforeEach' | 'afterEach'>;
