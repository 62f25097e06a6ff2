/**
 * A bundle carries any diff byte for byte: UTF-8 as the `patch_diff` string (unchanged from
 * the first bundles), anything else as padded base64 with `patch_diff_encoding: "base64"`; the
 * subject digest is over the exact bytes; each diff has one accepted form.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendAttestation,
  createBundle,
  MAX_DIFF_BYTES,
  patchDiffBytes,
  serializeBundle,
  verifyBundle,
  type Bundle,
  type VerifyResult,
} from '../../src/core/index.ts';
import { canonicalBytes } from '../../src/core/encoding/canonical-json.ts';
import { signEnvelope } from '../../src/core/envelope/dsse.ts';
import { bytesOf, NOW, signer } from '../helpers/bundles.ts';

const FIXTURES = new URL('../fixtures/bundles/', import.meta.url);
const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const cat = (...parts: (string | number[] | Uint8Array)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...ascii(p)] : [...p])));

/** A created test file holding Latin-1, NUL and 0xFF, as vim's crash reproducers do. */
const NOT_UTF8 = cat(
  'diff --git a/poc b/poc\nnew file mode 100644\n--- /dev/null\n+++ b/poc\n@@ -0,0 +1,2 @@\n+caf',
  [0xe9],
  '\n+',
  [0x00, 0xff, 0x41],
  '\n',
);

function code(result: VerifyResult): string {
  return result.ok ? 'OK' : result.problem.code;
}

function statementOf(bundle: Bundle): Record<string, unknown> {
  return JSON.parse(Buffer.from(bundle.envelope.payload, 'base64').toString('utf8'));
}

/** The bundle of NOT_UTF8, as its author makes it. */
async function notUtf8Bundle(): Promise<Bundle> {
  return createBundle({ diff: NOT_UTF8, signer: await signer(1), reason: 'r', now: NOW });
}

/** The author statement with `edit` applied, re-signed by the author. */
async function resigned(bundle: Bundle, edit: (statement: Record<string, unknown>) => void) {
  const statement = statementOf(bundle);
  edit(statement);
  const envelope = await signEnvelope(
    'application/vnd.in-toto+json',
    canonicalBytes(statement),
    await signer(1),
  );
  return { ...bundle, envelope };
}

/** A signed statement whose subject is the digest of `bytes`, carried as `fields` say. */
async function withDiff(bytes: Uint8Array, fields: Record<string, unknown>) {
  return resigned(await notUtf8Bundle(), (statement) => {
    const predicate = statement.predicate as Record<string, unknown>;
    delete predicate.patch_diff_encoding;
    Object.assign(predicate, fields);
    statement.subject = [{ name: 'patch.diff', digest: { sha256: sha256(bytes) } }];
  });
}

describe('diffs carried byte for byte', () => {
  it('carries a diff that is not UTF-8 in base64, the subject digest over its exact bytes', async () => {
    const bundle = await notUtf8Bundle();
    const statement = statementOf(bundle);
    expect(statement.predicate).toMatchObject({
      patch_diff: Buffer.from(NOT_UTF8).toString('base64'),
      patch_diff_encoding: 'base64',
      files: ['poc'],
    });
    expect((statement.subject as { digest: { sha256: string } }[])[0]?.digest.sha256).toBe(
      sha256(NOT_UTF8),
    );
    const result = await verifyBundle(bytesOf(bundle));
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.report.diffDigest).toBe(sha256(NOT_UTF8));
    expect(patchDiffBytes(result.report.predicate)).toEqual(NOT_UTF8);
  });

  it('keeps a UTF-8 diff (NUL, CRLF, a BOM and all) a string, with no encoding field', async () => {
    const diff = '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-\uFEFFa\u0000\r\n+b\u00e9\n';
    const bundle = await createBundle({ diff, signer: await signer(1), reason: 'r', now: NOW });
    const predicate = statementOf(bundle).predicate as Record<string, unknown>;
    expect(predicate.patch_diff).toBe(diff);
    expect(Object.hasOwn(predicate, 'patch_diff_encoding')).toBe(false);
    const fromBytes = await createBundle({
      diff: new TextEncoder().encode(diff),
      signer: await signer(1),
      reason: 'r',
      now: NOW,
    });
    expect(fromBytes).toEqual(bundle);
  });

  it('verifies a bundle made before any bytes could be carried, and makes it again byte for byte', async () => {
    const old = new Uint8Array(readFileSync(new URL('greet-fr.v1.bundle.json', FIXTURES)));
    const diff = new Uint8Array(readFileSync(new URL('greet-fr.patch', FIXTURES)));
    const result = await verifyBundle(old);
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.report.attesters.pass).toEqual([(await signer(2)).did]);
    expect(patchDiffBytes(result.report.predicate)).toEqual(diff);
    const made = await createBundle({
      diff,
      signer: await signer(1),
      components: ['greet'],
      now: NOW,
      subjectName: 'greet-fr.patch',
    });
    const attested = await appendAttestation(made, {
      signer: await signer(2),
      role: 'reviewer',
      verdict: 'pass',
      note: 'lu et approuvé',
      now: NOW,
    });
    expect(serializeBundle(attested)).toBe(new TextDecoder().decode(old));
  });

  it.each([
    ['base64 of a UTF-8 diff', ascii('--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n'), 'b64'],
    ['unpadded base64', NOT_UTF8, 'unpadded'],
    ['URL-safe base64', cat(NOT_UTF8, [0xfb, 0xff]), 'url'],
    ['base64 with trailing bits set', NOT_UTF8, 'bits'],
    ['an unknown encoding', NOT_UTF8, 'hex'],
  ])('refuses %s with INVALID_METADATA, even correctly signed', async (_why, bytes, form) => {
    const b64 = Buffer.from(bytes).toString('base64');
    const forms: Record<string, Record<string, unknown>> = {
      b64: { patch_diff: b64, patch_diff_encoding: 'base64' },
      unpadded: { patch_diff: b64.replace(/=+$/, ''), patch_diff_encoding: 'base64' },
      url: { patch_diff: Buffer.from(bytes).toString('base64url'), patch_diff_encoding: 'base64' },
      bits: { patch_diff: `${b64.slice(0, -3)}x==`, patch_diff_encoding: 'base64' },
      hex: { patch_diff: Buffer.from(bytes).toString('hex'), patch_diff_encoding: 'hex' },
    };
    if (form === 'url') expect(forms.url?.patch_diff).toMatch(/[-_]/);
    expect(code(await verifyBundle(bytesOf(await withDiff(bytes, forms[form] ?? {}))))).toBe(
      'INVALID_METADATA',
    );
  });

  it('refuses a text diff holding an unpaired surrogate (it has no bytes to digest)', async () => {
    const text = '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+\uD800\n';
    const lossy = new TextEncoder().encode(text); // U+FFFD in place of the surrogate
    // RFC 8785 cannot serialize it, so the signed payload is written by hand, escape and all.
    const bundle = await withDiff(lossy, { patch_diff: text.replace('\uD800', '') });
    const payload = Buffer.from(bundle.envelope.payload, 'base64')
      .toString('utf8')
      .replace('+\\n"', '+\\ud800\\n"');
    expect(payload).toContain('\\ud800');
    const envelope = await signEnvelope(
      'application/vnd.in-toto+json',
      new TextEncoder().encode(payload),
      await signer(1),
    );
    expect(code(await verifyBundle(bytesOf({ ...bundle, envelope })))).toBe('INVALID_METADATA');
    expect(() => patchDiffBytes({ patch_diff: text })).toThrow(/unpaired surrogate/);
    await expect(
      createBundle({ diff: text, signer: await signer(1), reason: 'r', now: NOW }),
    ).rejects.toMatchObject({ code: 'MALFORMED_INPUT' });
  });

  it('refuses a base64 diff whose digest is of other bytes', async () => {
    const other = cat(NOT_UTF8.subarray(0, -2), [0x42, 0x0a]);
    const tampered = await resigned(await notUtf8Bundle(), (statement) => {
      (statement.predicate as Record<string, unknown>).patch_diff =
        Buffer.from(other).toString('base64');
    });
    expect(code(await verifyBundle(bytesOf(tampered)))).toBe('INVALID_METADATA');
  });

  it('refuses, as TOO_LARGE, a diff whose signed statement would pass the payload limit', async () => {
    const line = cat('+', new Array(1000).fill(0xe9), '\n');
    const lines = Math.floor((7 * 1024 * 1024) / line.length);
    const header = ascii(`--- /dev/null\n+++ b/big\n@@ -0,0 +1,${lines} @@\n`);
    const big = new Uint8Array(header.length + lines * line.length);
    big.set(header);
    for (let i = 0; i < lines; i++) big.set(line, header.length + i * line.length);
    expect(big.length).toBeLessThan(MAX_DIFF_BYTES);
    await expect(
      createBundle({ diff: big, signer: await signer(1), reason: 'r', now: NOW }),
    ).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });

  it('round-trips any bytes in hunk lines: create, verify, and the same bytes back', async () => {
    const line = fc.uint8Array({ maxLength: 16 }).map((b) => b.filter((x) => x !== 0x0a));
    const author = await signer(1);
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 6 }), async (lines) => {
        const diff = cat(
          `--- /dev/null\n+++ b/f\n@@ -0,0 +1,${lines.length} @@\n`,
          ...lines.flatMap((l) => ['+', l, '\n']),
        );
        const bundle = await createBundle({ diff, signer: author, reason: 'r', now: NOW });
        const result = await verifyBundle(bytesOf(bundle));
        if (!result.ok) throw new Error(result.problem.message);
        expect(patchDiffBytes(result.report.predicate)).toEqual(diff);
        expect(result.report.diffDigest).toBe(sha256(diff));
      }),
      { numRuns: 150 },
    );
  });
});
