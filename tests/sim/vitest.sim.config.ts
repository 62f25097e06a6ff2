// `npm run sim`: runs tests/sim/sim.run.ts, the full attack simulation, and prints its table
// straight through. The default config (vite.config.ts) only picks up *.test.ts.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['tests/sim/**/*.run.ts'],
    environment: 'node',
    fileParallelism: false,
    disableConsoleIntercept: true,
    testTimeout: 3_600_000,
  },
});
