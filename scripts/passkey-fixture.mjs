#!/usr/bin/env node
// Regenerates tests/fixtures/passkeys/ with Chromium's virtual authenticator (see
// tests/fixtures/passkeys/generate.ts). Needs /usr/bin/chromium. The fixtures are committed;
// the unit tests read them and start no browser. `admin` as the argument regenerates only
// admin.jsonl and admin-flagged.jsonl (generate-admin.ts), which build on team.jsonl.
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const file = process.argv[2] === 'admin' ? 'generate-admin.ts' : 'generate.ts';
const entry = fileURLToPath(new URL(`../tests/fixtures/passkeys/${file}`, import.meta.url));
const vite = await createServer({
  configFile: false,
  logLevel: 'warn',
  server: { middlewareMode: true, hmr: false, ws: false },
  appType: 'custom',
});
try {
  const module = await vite.ssrLoadModule(entry);
  await module.default();
  console.log('wrote tests/fixtures/passkeys/');
} finally {
  await vite.close();
}
