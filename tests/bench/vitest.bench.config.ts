// `npm run bench`: runs tests/bench/*.bench.ts, one file at a time, with console output
// straight through. The default config (vite.config.ts) only picks up *.test.ts.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/bench/**/*.bench.ts'],
    environment: 'node',
    globalSetup: ['tests/global-setup.ts'],
    fileParallelism: false,
    disableConsoleIntercept: true,
    testTimeout: 120_000,
  },
});
