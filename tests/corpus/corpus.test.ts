/**
 * Real-world patches as the oracle: the quilt series of Debian source packages, each patch
 * applied by GNU patch --fuzz=0 and by the patchtrail CLI, the results compared byte for byte.
 * `npm test` walks a sample of about 30 patches; PATCHTRAIL_CORPUS=full walks the whole
 * corpus (build it with `bash scripts/corpus/build-corpus.sh`). A machine that cannot fetch
 * Debian sources skips this file and says why.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusMode, prepareCorpus, selectRuns, type PackageRun } from './manifest.ts';
import { formatReport, makeOracle, runOracle, tally, type OracleReport } from './oracle.ts';
import { removeTree } from './trees.ts';

const mode = corpusMode();
const setup = prepareCorpus(mode);
if ('skipped' in setup) console.warn(`corpus oracle skipped: ${setup.skipped}`);
const corpus = 'corpus' in setup ? setup.corpus : undefined;
const runs: PackageRun[] = 'corpus' in setup ? selectRuns(setup.corpus, setup.dir, mode) : [];
const walked = runs.reduce((n, r) => n + r.patches.length, 0);
/**
 * Per patch: three CLI processes (~1 s) and tree copies, plus what grows with the tree (apply
 * hashes the whole target today: ~0.15 s per MB each way, measured on curl's 24 MB).
 */
const TIMEOUT_MS = runs.reduce(
  (ms, r) => ms + r.patches.length * (2_000 + (r.pkg.base.bytes / 1e6) * 400),
  60_000,
);

describe.skipIf(corpus === undefined)(
  `real-world patches (${walked} from Debian quilt series) against GNU patch --fuzz=0`,
  () => {
    let work = '';
    let report: OracleReport = { outcomes: [], drift: [] };

    beforeAll(async () => {
      if (corpus === undefined) return;
      work = mkdtempSync(join(tmpdir(), 'patchtrail-corpus-'));
      const started = performance.now();
      const progress = (r: PackageRun, done: OracleReport) =>
        console.log(`corpus oracle: ${r.pkg.name} ${JSON.stringify(tally(done.outcomes))}`);
      const oracle = await makeOracle(corpus, work);
      report = await runOracle(oracle, runs, mode === 'full' ? progress : undefined);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const scope =
        mode === 'full'
          ? 'full corpus'
          : `sample of ${walked} of ${corpus.totals.patches} patches (PATCHTRAIL_CORPUS=full for all)`;
      console.log(
        `corpus oracle, ${scope}, ${corpus.gnuPatch.version}, ${seconds} s\n` +
          formatReport(report, runs),
      );
    }, TIMEOUT_MS);

    afterAll(async () => {
      if (work !== '') await removeTree(work);
    });

    it('walks every selected patch', () => {
      expect(report.outcomes).toHaveLength(walked);
    });

    it('GNU patch on this machine reproduces the ground truth recorded in corpus.json', () => {
      expect(report.drift).toEqual([]);
    });

    it('applies every patch to the same bytes as GNU patch', () => {
      const mismatches = report.outcomes
        .filter((o) => o.verdict === 'mismatch')
        .map((o) => `${o.package} ${o.patch}: ${o.reason ?? o.differences?.join(', ')}`);
      expect(mismatches).toEqual([]);
      expect(tally(report.outcomes).identical).toBeGreaterThan(0);
    });

    it('reverses every applied patch back to the pre-patch bytes', () => {
      const failures = report.outcomes
        .filter((o) => (o.reverse?.length ?? 0) > 0)
        .map((o) => `${o.package} ${o.patch}: ${o.reverse?.join(', ')}`);
      expect(failures).toEqual([]);
    });
  },
);
