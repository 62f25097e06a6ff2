// Builds the CLI and the servers once per test run so no test runs a stale dist/cli or
// dist/server (about 1 s).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../', import.meta.url));
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
