/**
 * Bundles end to end, in real Chromium against the production build: bundles made and signed
 * here in Node are opened in the Inbox by file picker and by drag-and-drop, and their Patch
 * detail must show the verdict core computes, with verification running in the Web Worker.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  appendAttestation,
  createBundle,
  makeSeedSigner,
  MAX_BUNDLE_BYTES,
  serializeBundle,
  verifyBundle,
  type Bundle,
  type Signer,
} from '../../src/core/index.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  shoot,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';

const REASON = 'Greet the whole world, not just hello';
const FORGED_REASON = 'Greet the whole world, now with a backdoor';
const COMPONENTS = ['greeter', 'docs'];
const DIFF = [
  'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001',
  'From: Ada Lovelace <ada@example.org>',
  'Date: Fri, 14 Mar 2025 09:26:53 +0000',
  'Subject: [PATCH] greeter: say hello to the world',
  '',
  '---',
  'diff --git a/src/greet.c b/src/greet.c',
  'index 3b18e51..a3c4f2d 100644',
  '--- a/src/greet.c',
  '+++ b/src/greet.c',
  '@@ -1,5 +1,5 @@',
  ' #include <stdio.h>',
  ' ',
  ' int main(void) {',
  '-  printf("hello\\n");',
  '+  printf("hello, world\\n");',
  '   return 0;',
  'diff --git a/README.md b/README.md',
  'index 1111111..2222222 100644',
  '--- a/README.md',
  '+++ b/README.md',
  '@@ -1,2 +1,3 @@',
  ' # greet',
  ' Prints a greeting.',
  '+Now greets the whole world.',
  '',
].join('\n');

const seed = (byte: number) => new Uint8Array(32).fill(byte);

/** Rewrites the author payload (reason changed) and keeps the old signature: a forgery. */
function alterPayload(bundle: Bundle): Bundle {
  const payload = Buffer.from(bundle.envelope.payload, 'base64').toString('utf8');
  const altered = payload.replace(REASON, FORGED_REASON);
  expect(altered).not.toBe(payload);
  const envelope = { ...bundle.envelope, payload: Buffer.from(altered).toString('base64') };
  return { ...bundle, envelope };
}

/** Flips one bit of the last attestation's signature. */
function forgeLastAttestation(bundle: Bundle): Bundle {
  const attestations = bundle.attestation_signatures.map((envelope) => structuredClone(envelope));
  const signature = attestations.at(-1)?.signatures[0];
  if (signature === undefined) throw new Error('no attestation to forge');
  const bytes = Buffer.from(signature.sig, 'base64');
  bytes[10] = (bytes[10] ?? 0) ^ 0x01;
  signature.sig = bytes.toString('base64');
  return { ...bundle, attestation_signatures: attestations };
}

interface Fixtures {
  dir: string;
  author: Signer;
  reviewer: Signer;
  path(name: string): string;
}

async function writeFixtures(): Promise<Fixtures> {
  const dir = await mkdtemp(join(tmpdir(), 'patchtrail-e2e-'));
  const author = await makeSeedSigner(seed(1));
  const reviewer = await makeSeedSigner(seed(2));
  const valid = await createBundle({
    diff: DIFF,
    signer: author,
    reason: REASON,
    components: COMPONENTS,
    buildEnvironment: `sha256:${'ab'.repeat(32)}`,
    now: new Date('2025-03-14T09:30:00Z'),
  });
  const attested = await appendAttestation(valid, {
    signer: reviewer,
    role: 'reviewer',
    verdict: 'pass',
    note: 'Read every line; the printf change is right.',
    now: new Date('2025-03-15T10:00:00Z'),
  });
  // A real patch that is not UTF-8 (NUL, 0xFF in a created file): carried in base64.
  const vim = await readFile(new URL('../fixtures/vim/CVE-2023-4781.patch', import.meta.url));
  const notUtf8 = await createBundle({
    diff: vim,
    signer: author,
    now: new Date('2025-03-16T08:00:00Z'),
  });
  const files: Record<string, string> = {
    'valid.json': serializeBundle(valid),
    'not-utf8.json': serializeBundle(notUtf8),
    'tampered.json': serializeBundle(alterPayload(valid)),
    'attested.json': serializeBundle(attested),
    'forged-attestation.json': serializeBundle(forgeLastAttestation(attested)),
    'not-json.json': 'this is a patch, trust me\n',
  };
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return { dir, author, reviewer, path: (name) => join(dir, name) };
}

// --- page helpers --------------------------------------------------------------------------

const testid = (id: string) => `[data-testid="${id}"]`;

/** Waits for the verdict on one file (the "checking" banner has no data-file). */
async function verdictFor(page: Page, fileName: string) {
  const verdict = page.locator(`${testid('verdict')}[data-file="${fileName}"]`);
  await verdict.waitFor();
  return {
    state: await verdict.getAttribute('data-check'),
    engine: await verdict.getAttribute('data-engine'),
    code: (await page.locator(testid('verdict-code')).allTextContents())[0],
    message: (await page.locator(testid('verdict-message')).allTextContents())[0],
  };
}

async function signatureRows(page: Page) {
  const rows = page.locator(testid('signature-row'));
  const out = [];
  for (const row of await rows.all()) {
    out.push({
      role: await row.getAttribute('data-role'),
      did: await row.getAttribute('data-did'),
      status: await row.getAttribute('data-status'),
      problem: (await row.locator(testid('signature-problem')).allTextContents())[0],
      verdict: (await row.locator(testid('signature-verdict')).allTextContents())[0],
    });
  }
  return out;
}

/** The Inbox, where bundles come in (a checked bundle opens in its Patch detail). */
async function openInbox(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Inbox', exact: true }).click();
  await page.locator(testid('drop-zone')).waitFor();
}

async function chooseFile(page: Page, path: string): Promise<void> {
  await openInbox(page);
  await page.setInputFiles(testid('file-input'), path);
}

/** Drags a file made inside the page onto `target`, as a user dropping it from the desktop. */
async function dropFile(page: Page, target: string, name: string, text: string): Promise<void> {
  await openInbox(page);
  const dataTransfer = await page.evaluateHandle(
    ([fileName, content]) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], fileName, { type: 'application/json' }));
      return transfer;
    },
    [name, text] as const,
  );
  await page.dispatchEvent(target, 'dragover', { dataTransfer });
  expect(await page.locator(testid('drop-zone')).getAttribute('class')).toContain('drop-active');
  await page.dispatchEvent(target, 'drop', { dataTransfer });
  await dataTransfer.dispose();
}

/** Scrolls a virtual list from top to bottom, reading what each view shows. */
async function everyRow<T>(list: Locator, read: (box: HTMLElement) => T): Promise<T[]> {
  const views: T[] = [];
  await list.evaluate((box) => (box.scrollTop = 0));
  for (;;) {
    await list
      .page()
      .evaluate(() => new Promise((done) => requestAnimationFrame(() => done(null))));
    views.push(await list.evaluate(read));
    const more = await list.evaluate((box) => {
      const before = box.scrollTop;
      box.scrollTop += box.clientHeight;
      return box.scrollTop > before;
    });
    if (!more) return views;
  }
}

// --- the tests -----------------------------------------------------------------------------

describeBrowser('bundle page (Chromium, production build)', () => {
  let fixtures: Fixtures;
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    [fixtures] = await Promise.all([writeFixtures(), ensureWebBuild()]);
    [server, browser] = await Promise.all([serveWebApp(), launchChromium()]);
    page = browser.page;
    pageErrors = collectPageErrors(page);
    await page.goto(server.url);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (fixtures !== undefined) await rm(fixtures.dir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it('the fixtures are what the tests claim, according to core in Node', async () => {
    const read = async (name: string) => new Uint8Array(await readFile(fixtures.path(name)));
    expect((await verifyBundle(await read('valid.json'))).ok).toBe(true);
    expect((await verifyBundle(await read('attested.json'))).ok).toBe(true);
    expect((await verifyBundle(await read('not-utf8.json'))).ok).toBe(true);
    const tampered = await verifyBundle(await read('tampered.json'));
    expect(tampered.ok ? 'ok' : tampered.problem.code).toBe('INVALID_SIGNATURE');
    const forged = await verifyBundle(await read('forged-attestation.json'));
    expect(forged.ok ? 'ok' : forged.problem.code).toBe('INVALID_SIGNATURE');
  });

  it('links a web app manifest whose icon the build serves', async () => {
    const manifest = await page.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
      if (link === null) return undefined;
      const body = (await (await fetch(link.href)).json()) as {
        name: string;
        display: string;
        icons: { src: string }[];
      };
      const icon = new URL(body.icons[0]?.src ?? '', link.href);
      const served = await fetch(icon);
      return { ...body, iconType: served.headers.get('content-type'), iconOk: served.ok };
    });
    expect(manifest).toMatchObject({ name: 'patchtrail', display: 'standalone', iconOk: true });
    expect(manifest?.iconType).toContain('image/svg+xml');
  });

  it('shows a valid bundle as verified, with its metadata, diff and signature, checked in the worker', async () => {
    await chooseFile(page, fixtures.path('valid.json'));
    const verdict = await verdictFor(page, 'valid.json');
    expect(verdict).toMatchObject({ state: 'verified', engine: 'worker', code: undefined });

    expect(await page.locator(testid('meta-reason')).textContent()).toContain(REASON);
    expect(await page.locator(testid('patch-title')).textContent()).toBe(REASON);
    expect(await page.locator(`${testid('meta-author')} [data-did]`).getAttribute('data-did')).toBe(
      fixtures.author.did,
    );
    expect(await page.locator(testid('meta-file')).allTextContents()).toEqual([
      'src/greet.c',
      'README.md',
    ]);
    expect(await page.locator(testid('meta-components')).textContent()).toContain('greeter');
    // When it was signed, as the ledger shows times (the bundle says 2025-03-14T09:30:00Z).
    expect(await page.locator(`${testid('meta-timestamp')} time`).textContent()).toBe(
      '2025-03-14 09:30:00 UTC',
    );
    expect(await page.locator(testid('meta-source-headers')).textContent()).toContain(
      'Ada Lovelace',
    );

    const diff = page.locator(testid('diff'));
    // What each row shows, without the words for screen readers ("added: ").
    const shown = (kind: string) =>
      diff.locator(`[data-kind="${kind}"]`).evaluateAll((cells) =>
        cells.map((cell) =>
          [...cell.childNodes]
            .filter((n) => !(n instanceof Element && n.classList.contains('visually-hidden')))
            .map((n) => n.textContent)
            .join(''),
        ),
      );
    expect(await shown('add')).toEqual([
      '+  printf("hello, world\\n");',
      '+Now greets the whole world.',
    ]);
    expect(await shown('del')).toEqual(['-  printf("hello\\n");']);

    expect(await signatureRows(page)).toEqual([
      {
        role: 'author',
        did: fixtures.author.did,
        status: 'valid',
        problem: undefined,
        verdict: undefined,
      },
    ]);
    // No team is open: integrity alone is neutral, never green, and nobody's key counts.
    expect(await page.getByTestId('verdict').getAttribute('data-state')).toBe('no-team');
    expect(await page.getByTestId('verdict-headline').textContent()).toContain(
      'Signed, but not by anyone this team trusts',
    );
    expect(await page.locator(testid('claims')).count()).toBe(0);
    await shoot(page, 'patch-signed');
  });

  it('shows an appended attestation as a second valid signature (dropped onto the drop zone)', async () => {
    const text = await readFile(fixtures.path('attested.json'), 'utf8');
    await dropFile(page, testid('drop-zone'), 'attested.json', text);
    const verdict = await verdictFor(page, 'attested.json');
    expect(verdict).toMatchObject({ state: 'verified', engine: 'worker' });
    const rows = await signatureRows(page);
    expect(rows.map(({ role, did, status, verdict }) => ({ role, did, status, verdict }))).toEqual([
      { role: 'author', did: fixtures.author.did, status: 'valid', verdict: undefined },
      { role: 'reviewer', did: fixtures.reviewer.did, status: 'valid', verdict: 'pass' },
    ]);
    expect(await page.locator(testid('signatures')).textContent()).toContain(
      'Read every line; the printf change is right.',
    );
  });

  it('shows a diff that is not UTF-8 with each undecodable byte escaped, never as U+FFFD', async () => {
    await chooseFile(page, fixtures.path('not-utf8.json'));
    const verdict = await verdictFor(page, 'not-utf8.json');
    expect(verdict).toMatchObject({ state: 'verified', engine: 'worker' });
    expect(await page.locator(testid('meta-reason')).textContent()).toContain('patch 9.0.1873');
    const diff = page.locator(testid('diff'));
    // The list keeps only the rows in view: scroll through it and read every row.
    const seen = await everyRow(diff, (box) => ({
      added: [...box.querySelectorAll('[data-kind="add"]')].map((cell) =>
        [...cell.childNodes]
          .filter((n) => !(n instanceof Element && n.classList.contains('visually-hidden')))
          .map((n) => n.textContent)
          .join(''),
      ),
      bytes: [...box.querySelectorAll('.escaped-byte')].map((e) => e.textContent ?? ''),
      controls: [...box.querySelectorAll('.escaped-control')].map((e) => e.getAttribute('title')),
      text: box.textContent ?? '',
    }));
    // "+sv " 0xFF 0x7F 0x00 "n" 0x00 0x00 0x01 0x00 in the patch file.
    expect(seen.flatMap((s) => s.added)).toContain('+sv \\xFF\\x7F\\x00n\\x00\\x00\\x01\\x00');
    expect(seen.flatMap((s) => s.bytes)).toContain('\\xFF');
    expect(seen.flatMap((s) => s.controls)[0]).toContain('control');
    expect(seen.map((s) => s.text).join('')).not.toContain('\uFFFD');
    expect(await page.locator('body').textContent()).not.toContain('\uFFFD');
    await shoot(page, 'patch-not-utf8');
  });

  it('rejects a bundle whose payload was altered, marking the author signature invalid', async () => {
    await chooseFile(page, fixtures.path('tampered.json'));
    const verdict = await verdictFor(page, 'tampered.json');
    expect(verdict).toMatchObject({
      state: 'rejected',
      engine: 'worker',
      code: 'INVALID_SIGNATURE',
    });
    expect(verdict.message).toContain('does not verify');
    expect(await page.locator('.visually-hidden[role="status"]').textContent()).toBe(
      'tampered.json: Do not apply: the signature does not match this bundle (INVALID_SIGNATURE)',
    );
    // In plain words first; the verifier's own message only once, beside the code, for support.
    const panel = page.getByTestId('verdict');
    expect(await panel.textContent()).toContain('It was changed after it was signed');
    const said = (await panel.textContent())?.split('does not verify').length ?? 0;
    expect(said - 1).toBe(1);

    expect(await signatureRows(page)).toEqual([
      {
        role: 'author',
        did: fixtures.author.did,
        status: 'invalid',
        problem: 'INVALID_SIGNATURE',
        verdict: undefined,
      },
    ]);
    // The forged reason may be shown only inside the panel labelled UNVERIFIED, not as the title.
    expect(await page.locator(testid('patch-title')).textContent()).toBe('tampered.json');
    const claims = page.locator(testid('claims'));
    expect(await claims.locator('h2').textContent()).toContain('UNVERIFIED');
    expect(await claims.locator(testid('claim-reason')).textContent()).toContain(FORGED_REASON);
    expect(await page.locator(testid('bundle')).count()).toBe(0);
    expect(await page.locator(testid('diff')).count()).toBe(0);
    await shoot(page, 'patch-tampered');
  });

  it('rejects a bundle with a forged attestation, and keeps the author signature valid', async () => {
    await chooseFile(page, fixtures.path('forged-attestation.json'));
    const verdict = await verdictFor(page, 'forged-attestation.json');
    expect(verdict).toMatchObject({ state: 'rejected', code: 'INVALID_SIGNATURE' });
    const rows = await signatureRows(page);
    expect(rows.map(({ did, status, problem }) => ({ did, status, problem }))).toEqual([
      { did: fixtures.author.did, status: 'valid', problem: undefined },
      { did: fixtures.reviewer.did, status: 'invalid', problem: 'INVALID_SIGNATURE' },
    ]);
    // The author's signature held, so the signed metadata is shown as such.
    expect(await page.locator(testid('meta-reason')).textContent()).toContain(REASON);
  });

  it('rejects a file that is not JSON with MALFORMED_INPUT (dropped anywhere on the page)', async () => {
    const text = await readFile(fixtures.path('not-json.json'), 'utf8');
    await dropFile(page, 'main', 'not-json.json', text);
    const verdict = await verdictFor(page, 'not-json.json');
    expect(verdict).toMatchObject({ state: 'rejected', engine: 'worker', code: 'MALFORMED_INPUT' });
    expect(await page.locator(testid('patch-title')).textContent()).toBe('not-json.json');
    expect(await page.locator(testid('signature-row')).count()).toBe(0);
    // No bundle, no signatures: the line under the verdict does not claim any were checked.
    const meta = await page.locator('.verdict-meta').textContent();
    expect(meta).toMatch(/· checked in a background worker in/);
    expect(meta).not.toContain('signatures');
  });

  it('refuses a file over the size limit before reading it', async () => {
    // Made inside the page: sending 16 MiB through the DevTools protocol takes seconds.
    const dataTransfer = await page.evaluateHandle((size) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(size)], 'huge.json'));
      return transfer;
    }, MAX_BUNDLE_BYTES + 1);
    await openInbox(page);
    await page.dispatchEvent(testid('drop-zone'), 'drop', { dataTransfer });
    const verdict = await verdictFor(page, 'huge.json');
    expect(verdict).toMatchObject({ state: 'rejected', engine: 'none', code: 'TOO_LARGE' });
    expect(verdict.message).toContain(`limit is ${MAX_BUNDLE_BYTES}`);
    expect(await page.getByTestId('not-kept').textContent()).toContain(
      'is not kept on this device: too large (16,777,217 bytes; a bundle may be up to 16,777,216 bytes)',
    );
  });

  it('says in the Inbox why each refused file is refused, in its verdict’s words', async () => {
    // The Inbox called every one "Not a valid bundle", a forgery included, and the file over
    // the limit "not kept: this browser refused to store it".
    await openInbox(page);
    const row = (name: string) =>
      page.locator(testid('inbox-item')).filter({ hasText: name }).first();
    expect(await row('tampered.json').getByTestId('inbox-refusal').textContent()).toBe(
      'The signature does not match this bundle',
    );
    expect(await row('tampered.json').getByTestId('inbox-status').textContent()).toBe(
      'Do not apply',
    );
    const huge = row('huge.json');
    expect(await huge.getByTestId('inbox-refusal').textContent()).toBe(
      'This file is too large to be a patch bundle',
    );
    expect(await huge.textContent()).toContain(
      'not kept: too large (16,777,217 bytes; a bundle may be up to 16,777,216 bytes)',
    );
    expect(await huge.textContent()).not.toContain('refused to store');
    await shoot(page, 'inbox-refused');
  });

  it('opens every bundle of a drop or a pick of several, and says how many', async () => {
    // A drop of 300 bundles took the first and dropped the rest without a word.
    const names = ['batch-1.json', 'batch-2.json', 'batch-3.json'];
    for (const [i, name] of names.entries()) {
      const diff = `--- a/n${i}\n+++ b/n${i}\n@@ -1 +1 @@\n-a\n+b${i}\n`;
      const bundle = await createBundle({
        diff,
        signer: fixtures.author,
        reason: `Batch ${i}`,
        now: new Date(0),
      });
      await writeFile(fixtures.path(name), serializeBundle(bundle));
    }
    await openInbox(page);
    const before = await page.locator(testid('inbox-item')).count();
    await page.setInputFiles(
      testid('file-input'),
      names.map((n) => fixtures.path(n)),
    );
    const opened = page.getByTestId('opened');
    await opened.waitFor();
    expect(await opened.textContent()).toMatch(/^Opened 3 of 3 bundles/);
    expect(await page.locator(testid('inbox-item')).count()).toBe(before + 3);
    for (const name of names)
      expect(await page.locator(testid('inbox-item')).filter({ hasText: name }).count()).toBe(1);
    expect(new URL(page.url()).hash).toBe('#/inbox');
  });

  it('falls back to the main thread when the worker cannot start', async () => {
    // A browser of its own with service workers blocked: the app's service worker would serve
    // the worker script from its precache, out of page.route's sight.
    const other = await launchChromium({ serviceWorkers: 'block' });
    try {
      const fallback = other.page;
      const errors = collectPageErrors(fallback);
      await fallback.route('**/pool.worker-*.js', (route) => route.abort());
      await fallback.goto(server.url);
      await fallback.setInputFiles(testid('file-input'), fixtures.path('valid.json'));
      const verdict = await verdictFor(fallback, 'valid.json');
      expect(verdict).toMatchObject({ state: 'verified', engine: 'main-thread' });
      // The blocked worker script itself is logged as a failed load, and nothing else.
      expect(errors.filter((e) => !e.includes('net::ERR_FAILED'))).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
