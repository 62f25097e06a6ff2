// The web app (Solid, production build in dist/web) and the test runner's settings.
import { defineConfig } from 'vitest/config';
import solid from 'vite-plugin-solid';
import { fileURLToPath } from 'node:url';
import { pwa } from './vite.pwa.ts';

export default defineConfig({
  plugins: [solid(), pwa()],
  build: { target: 'es2022', outDir: 'dist/web', emptyOutDir: true },
  worker: { format: 'es' },
  preview: { host: '127.0.0.1', port: 4173, strictPort: false },
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'tests/fixtures/**'],
    globalSetup: ['tests/global-setup.ts'],
    // vite-plugin-solid adds the 'browser' condition in tests, which gives `ws` its stub that
    // throws; tests that start our Node servers need the real package.
    alias: [
      {
        find: /^ws$/,
        replacement: fileURLToPath(new URL('node_modules/ws/wrapper.mjs', import.meta.url)),
      },
    ],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // expect.poll gives up after 1 s by default: less than one of the app's once-a-second sync
    // state reports, and less than a loaded CI machine may need to render a screen.
    expect: { poll: { timeout: 10_000 } },
    // Two groups, one after the other. The Node files (core, CLI, storage, sync, workers) run
    // two at a time: on a 2-core machine vitest's default is one worker, and one file at a
    // time made the suite the sum of its files. The Chromium files then run alone, since they
    // assert that no task of the page runs over 200 ms, which a second file beside them
    // would make a matter of luck.
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          exclude: ['tests/e2e/**'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'chromium',
          // include adds to the shared one, so the other files are excluded instead
          exclude: ['tests/!(e2e)/**'],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
