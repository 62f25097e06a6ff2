// Builds the WebAssembly kernels when their sources changed (wasm/build.mjs), then the CLI and
// the servers, once per test run, so no test runs a stale dist/cli, dist/server or wasm/build.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../', import.meta.url));
  const wasm = spawnSync('node', ['wasm/build.mjs'], { cwd: root, encoding: 'utf8' });
  if (wasm.status !== 0) throw new Error(`WebAssembly build failed:\n${wasm.stderr}`);
  const built = spawnSync(
    'npx',
    ['vite', 'build', '-c', 'vite.cli.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (built.status !== 0) throw new Error(`CLI build failed:\n${built.stderr}`);
  const server = spawnSync(
    'npx',
    ['vite', 'build', '-c', 'vite.server.config.ts', '--logLevel', 'warn'],
    { cwd: root, encoding: 'utf8' },
  );
  if (server.status !== 0) throw new Error(`server build failed:\n${server.stderr}`);
}
