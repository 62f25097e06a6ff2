/**
 * `npm run bench` (reputation): computeReputation on synthetic inputs of 10k systems / 100k
 * edges and 100k systems / 1M edges, in Node, on a Chromium page and in a Chromium module
 * Worker, beside the targets (≤ 50 ms and ≤ 0.5 s) and beside a reference measured in the same
 * run (bare Float64 sparse matrix-vector products, as many as the engine iterated). Also checks
 * that all three computed the same score hash.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import {
  bundleTestPage,
  CHROMIUM_PATH,
  hasChromium,
  launchChromium,
  serveWebApp,
} from '../e2e/browser.ts';
import { measure, median, type Measured, type MeasureRequest } from './reputation-measure.ts';

const PAGE_ENTRY = fileURLToPath(new URL('../e2e/reputation-page-entry.ts', import.meta.url));
const AS_OF = '2026-06-01T00:00:00Z';
const RUNS = Number(process.env.PATCHTRAIL_BENCH_RUNS ?? 5);

const SIZES: { label: string; request: MeasureRequest; targetMs: number }[] = [
  {
    label: '10k systems / 100k edges',
    request: { nodes: 10_000, edgesPerNode: 10, seed: 7, runs: RUNS, asOf: AS_OF },
    targetMs: 50,
  },
  {
    label: '100k systems / 1M edges',
    request: { nodes: 100_000, edgesPerNode: 10, seed: 7, runs: RUNS, asOf: AS_OF },
    targetMs: 500,
  },
];

type Where = 'Node' | 'Chromium page' | 'Chromium Worker';

async function inChromium(): Promise<Map<string, Partial<Record<Where, Measured>>> | string> {
  if (!hasChromium) return `${CHROMIUM_PATH} not found`;
  const dir = await bundleTestPage(PAGE_ENTRY, 'patchtrail reputation bench');
  const server = await serveWebApp(dir);
  const browser = await launchChromium();
  try {
    const origin = new URL(server.url).origin;
    await browser.context.route(
      (url) => url.origin !== origin,
      (route) => route.abort('blockedbyclient'),
    );
    await browser.page.goto(server.url);
    await browser.page.waitForFunction(() => window.patchtrailReputation !== undefined);
    const out = new Map<string, Partial<Record<Where, Measured>>>();
    for (const { label, request } of SIZES) {
      const page = await browser.page.evaluate(
        (r) => window.patchtrailReputation.measure(r),
        request,
      );
      const worker = await browser.page.evaluate(
        (r) => window.patchtrailReputation.measureInWorker(r),
        request,
      );
      out.set(label, { 'Chromium page': page, 'Chromium Worker': worker });
    }
    return out;
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const line = (where: Where, m: Measured, targetMs: number) => {
  const ms = median(m.runs);
  return `  ${where.padEnd(16)} ${ms.toFixed(1).padStart(7)} ms (target ≤ ${targetMs}, ${ms <= targetMs ? 'met' : 'MISSED'}; first run ${m.coldMs.toFixed(0)} ms); model ${m.modelMs.toFixed(1)} ms; ${m.iterations} iterations; bare Float64 SpMV × ${m.iterations} ${m.referenceMs.toFixed(1)} ms, ratio ${(ms / m.referenceMs).toFixed(2)}`;
};

it('reputation: 10k / 100k and 100k / 1M in Node, a Chromium page and a Chromium Worker', async () => {
  const lines = [
    `reputation bench, Node ${process.version}, median of ${RUNS} runs after a first (cold) run`,
  ];
  const node = new Map(SIZES.map(({ label, request }) => [label, measure(request)]));
  const chromium = await inChromium();
  for (const { label, targetMs } of SIZES) {
    const here = node.get(label) as Measured;
    lines.push(`${label} (${here.edges} edges)`, line('Node', here, targetMs));
    if (typeof chromium === 'string') {
      lines.push(`  Chromium skipped: ${chromium}`);
      continue;
    }
    for (const where of ['Chromium page', 'Chromium Worker'] as const) {
      const there = chromium.get(label)?.[where];
      if (there === undefined) continue;
      lines.push(line(where, there, targetMs));
      expect(there.scoreHash).toBe(here.scoreHash);
    }
  }
  console.log(lines.join('\n'));
}, 600_000);
