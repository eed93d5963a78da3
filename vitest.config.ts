import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // expect.poll waits for what a page or a server does next; on a loaded CI machine that is more than 1 s.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    server: { deps: { external: [/\/dist\//] } },
  },
});
