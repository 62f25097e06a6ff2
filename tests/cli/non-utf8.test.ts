/**
 * Real patches that are not UTF-8 (two of vim's Debian patches, tests/fixtures/vim: Latin-1
 * bytes and NUL in created crash reproducers) go through the CLI as a user runs it: create,
 * verify, inspect, apply and apply --reverse, with GNU patch 2.7 as the reference for the
 * applied bytes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isUtf8 } from '../../src/core/index.ts';
import { cliWorkspace, ROOT } from '../helpers/cli.ts';
import { compareTrees } from '../corpus/trees.ts';

const VIM = join(ROOT, 'tests/fixtures/vim');
const { at, ok, pt } = cliWorkspace('pt-non-utf8-');
let did = '';

beforeAll(async () => {
  did = await ok(['keygen', '--out', at('author.pem')]);
});

describe.each([
  // The created reproducer's bytes that are not UTF-8: 0xBC ("M-<"), and 0xFF 0xFF 0x00 ...
  { cve: 'CVE-2023-4738', created: 'src/testdir/crash/vim_regsub_both', escaped: '(\\xBCXtest' },
  { cve: 'CVE-2023-4781', created: 'src/testdir/crash/vim_regsub_both_poc', escaped: 'sv \\xFF' },
])('$cve from vim 9.0.1378 (Debian bookworm)', ({ cve, created, escaped }) => {
  const patch = join(VIM, `${cve}.patch`);
  const bytes = new Uint8Array(readFileSync(patch));
  const bundle = at(`${cve}.bundle.json`);
  const [gnu, mine, before] = [at(`${cve}-gnu`), at(`${cve}-mine`), join(VIM, cve, 'before')];

  beforeAll(async () => {
    expect(isUtf8(bytes)).toBe(false);
    cpSync(before, gnu, { recursive: true });
    cpSync(before, mine, { recursive: true });
    execFileSync('patch', ['-s', '-p1', '--fuzz=0', '--no-backup-if-mismatch', '-i', patch], {
      cwd: gnu,
    });
    await ok(['create', '--diff', patch, '--key', at('author.pem'), '--out', bundle]);
  });

  it('creates a bundle carrying the patch in base64, its digest over the exact bytes', () => {
    const file = JSON.parse(readFileSync(bundle, 'utf8'));
    const statement = JSON.parse(Buffer.from(file.envelope.payload, 'base64').toString('utf8'));
    expect(statement.subject[0].digest.sha256).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
    expect(statement.predicate.patch_diff_encoding).toBe('base64');
    expect(Buffer.from(statement.predicate.patch_diff, 'base64')).toEqual(Buffer.from(bytes));
    // The reason came from the patch's own Subject header.
    expect(statement.predicate.reason_for_patch).toMatch(/^patch 9\.0\.18\d\d: \[security\]/);
    expect(statement.predicate.files).toContain(created);
  });

  it('verifies it and says the diff is carried in base64', async () => {
    const out = await ok(['verify', bundle, '--trust', did]);
    expect(out).toContain('OK: bundle verified');
    expect(out).toMatch(/diff: +sha256:[0-9a-f]{64} \(not UTF-8: carried in base64\)/);
    const json = JSON.parse(await ok(['verify', bundle, '--trust', did, '--json']));
    expect(json.report.diffDigest).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('inspect shows the undecodable bytes escaped, never as U+FFFD', async () => {
    const out = await ok(['inspect', bundle]);
    expect(out).toContain(escaped);
    expect(out).not.toContain('\uFFFD');
    expect(out).toContain(`+++ b/${created}`);
  });

  it('applies byte for byte as GNU patch does, and reverses to the pre-image', async () => {
    await ok(['apply', bundle, '--dir', mine, '--trust', did]);
    expect(await compareTrees(gnu, mine)).toEqual([]);
    const made = readFileSync(join(mine, created));
    expect(isUtf8(made)).toBe(false);
    await ok(['apply', bundle, '--dir', mine, '--trust', did, '--reverse']);
    expect(await compareTrees(before, mine)).toEqual([]);
  });

  it('refuses the bundle once one carried byte is changed', async () => {
    const file = JSON.parse(readFileSync(bundle, 'utf8'));
    const statement = JSON.parse(Buffer.from(file.envelope.payload, 'base64').toString('utf8'));
    const diff = Buffer.from(statement.predicate.patch_diff, 'base64');
    const high = diff.findIndex((byte) => byte >= 0x80);
    diff[high] = (diff[high] ?? 0) ^ 1;
    statement.predicate.patch_diff = diff.toString('base64');
    file.envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    const tampered = at(`${cve}.tampered.json`);
    writeFileSync(tampered, JSON.stringify(file));
    const run = await pt(['verify', tampered]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^INVALID_SIGNATURE/);
  });
});
