// Builds the CLI once per test run so CLI tests never run a stale dist/cli (about 0.5 s).
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
}
