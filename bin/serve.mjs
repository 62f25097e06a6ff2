#!/usr/bin/env node
// Runs the built server (dist/server/serve.mjs, made by `npm run build:server`, which `npm install` runs).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = fileURLToPath(new URL('../dist/server/serve.mjs', import.meta.url));
if (!existsSync(built)) {
  process.stderr.write('patchtrail: the server is not built yet; run `npm run build:server`\n');
  process.exit(2);
}
await import(built);
