#!/usr/bin/env node
// Runs the built CLI (dist/cli/patchtrail.mjs, made by `npm run build:cli`, which `npm install` runs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/cli/patchtrail.mjs', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write(
    'patchtrail: the CLI is not built yet; run `npm run build:cli` (or `npm install`)\n',
  );
  process.exit(2);
}
await import(built);
