/**
 * Hunk placement against GNU patch as the oracle, on generated shapes that real patches rarely
 * have and an attacker would choose: files of few distinct lines (every position looks alike),
 * hunks stated at the wrong line, out of order, overlapping, with and without fuzz. For each
 * case GNU patch (`--fuzz=N --force`) and applyHunks must
 * agree: both succeed with the same bytes, or both refuse. Two divergences are by design: GNU
 * patch appends a hunk with no old lines that claims a line past the end of the file, and lets
 * a hunk's leading context take a line an earlier hunk removed; we refuse both. Skipped, with a printed reason, without /usr/bin/patch.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDiff } from '../../src/core/index.ts';
import { applyHunks } from '../../src/core/diff/hunks.ts';
import { isPatchtrailError } from '../../src/core/errors.ts';

const PATCH = '/usr/bin/patch';
const hasPatch = existsSync(PATCH);
if (!hasPatch) console.warn('apply-gnu: skipped, GNU patch is not at /usr/bin/patch');

interface HunkSpec {
  at: number;
  oldLen: number;
  before: number;
  after: number;
  added: string[];
  shift: number;
}

/** One hunk over `file` (lines without "\n"): context, removed and added lines, stated line. */
function hunkText(file: readonly string[], spec: HunkSpec): string {
  const at = Math.min(spec.at, file.length);
  const oldLen = Math.min(spec.oldLen, file.length - at);
  const before = Math.min(spec.before, oldLen);
  const after = Math.min(spec.after, oldLen - before);
  const old = file.slice(at, at + oldLen);
  const added = oldLen - before - after === 0 && spec.added.length === 0 ? ['n'] : spec.added;
  const lines = [
    ...old.slice(0, before).map((l) => ` ${l}`),
    ...old.slice(before, oldLen - after).map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
    ...old.slice(oldLen - after).map((l) => ` ${l}`),
  ];
  const newLen = before + added.length + after;
  // "-S,0" inserts after line S; never line 0, which GNU patch reads as creating the file.
  const start = oldLen === 0 ? Math.max(at + spec.shift, 1) : Math.max(at + 1 + spec.shift, 1);
  return `@@ -${start},${oldLen} +${start},${newLen} @@\n${lines.join('\n')}\n`;
}

const spec = fc.record({
  at: fc.nat(30),
  oldLen: fc.nat(7),
  before: fc.nat(3),
  after: fc.nat(3),
  added: fc.array(fc.constantFrom('a', 'b', 'x'), { maxLength: 3 }),
  shift: fc.oneof(fc.constant(0), fc.integer({ min: -4, max: 4 })),
});
const scenario = fc.record({
  file: fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 30 }),
  hunks: fc.array(spec, { minLength: 1, maxLength: 4 }),
  fuzz: fc.constantFrom(0, 0, 0, 1, 2),
});

/** Longer files and claims far off: past the direct comparisons, into the linear search. */
const farScenario = fc
  .record({
    file: fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 50, maxLength: 400 }),
    hunks: fc.array(
      fc.record({
        at: fc.nat(400),
        oldLen: fc.integer({ min: 1, max: 12 }),
        before: fc.nat(6),
        after: fc.nat(6),
        added: fc.array(fc.constantFrom('a', 'x'), { maxLength: 2 }),
        shift: fc.integer({ min: -400, max: 400 }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
    fuzz: fc.constantFrom(0, 0, 1),
  })
  .map(({ file, hunks, fuzz }) => ({
    file,
    // In file order, never an insertion at the end: what is off is only the stated lines.
    hunks: hunks.map((h) => ({ ...h, at: h.at % file.length })).sort((x, y) => x.at - y.at),
    fuzz,
  }));

const work = hasPatch ? mkdtempSync(join(tmpdir(), 'pt-gnu-hunks-')) : '';
afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

function gnu(content: string, diff: string, fuzz: number): string | undefined {
  writeFileSync(join(work, 'f'), content);
  writeFileSync(join(work, 'p.diff'), diff);
  // --force: no guessing that a patch is reversed (applyHunks never does; apply does it per diff).
  const args = ['-p1', `--fuzz=${fuzz}`, '--no-backup-if-mismatch', '--force'];
  const run = spawnSync(PATCH, [...args, '-r', '-', '-i', 'p.diff'], { cwd: work });
  return run.status === 0 ? readFileSync(join(work, 'f'), 'utf8') : undefined;
}

function ours(content: string, diff: string, fuzz: number) {
  const [file] = parseDiff(diff).files;
  try {
    const applied = applyHunks(new TextEncoder().encode(content), file?.hunks ?? [], 'f', fuzz);
    return { text: new TextDecoder().decode(applied.content) };
  } catch (error) {
    if (!isPatchtrailError(error) || error.code !== 'APPLY_CONFLICT') throw error;
    return { refused: error.message };
  }
}

describe.skipIf(!hasPatch)('hunk placement agrees with GNU patch 2.7', () => {
  const agree = (
    cases: fc.Arbitrary<{ file: string[]; hunks: HunkSpec[]; fuzz: number }>,
    runs: number,
  ) => {
    const tally = { same: 0, bothRefused: 0, pastEnd: 0, overlap: 0 };
    fc.assert(
      fc.property(cases, ({ file, hunks, fuzz }) => {
        const content = `${file.join('\n')}\n`;
        const diff = `--- a/f\n+++ b/f\n${hunks.map((h) => hunkText(file, h)).join('')}`;
        const expected = gnu(content, diff, fuzz);
        const got = ours(content, diff, fuzz);
        if (expected !== undefined && got.refused !== undefined) {
          // By design: a hunk whose context takes a line an earlier hunk removed is refused
          // (GNU patch's result is no diff's, and reversing it fails) ...
          if (got.refused.endsWith('which an earlier hunk removed (hunks overlap)')) {
            tally.overlap++;
            return;
          }
          // ... and an insertion claiming a line past the end is refused, not appended.
          expect(got.refused, diff).toMatch(/ \(@@ -\d+,0 [^)]*\) does not match$/);
          tally.pastEnd++;
          return;
        }
        expect(got.text, `${content}\n${diff}`).toBe(expected);
        tally[expected === undefined ? 'bothRefused' : 'same']++;
      }),
      { numRuns: runs, seed: 20261122 },
    );
    console.info(`apply-gnu: ${JSON.stringify(tally)}`);
    return tally;
  };

  it('on repeated lines, wrong line numbers, misordered and overlapping hunks (400 cases)', () => {
    const tally = agree(scenario, 400);
    expect(tally.same).toBeGreaterThan(100);
    expect(tally.bothRefused).toBeGreaterThan(20);
  }, 120_000);

  it('on long files of few lines with claims hundreds of lines off (150 cases)', () => {
    const tally = agree(farScenario, 150);
    expect(tally.same).toBeGreaterThan(40);
  }, 120_000);
});
