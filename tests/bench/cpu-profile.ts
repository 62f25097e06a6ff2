/**
 * A CPU profile of one step in a bench page through Chromium's CDP Profiler, summarised as the
 * functions with the most self time (what the step spends its time in). Used by the benches
 * when PATCHTRAIL_BENCH_PROFILE is set; the raw profile is written beside for DevTools.
 */
import { writeFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (ms), largest first, `top` of them. */
export function selfTimes(profile: Profile, top = 25): { name: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const times = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    if (node === undefined) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').at(-1) ?? '';
    const name = `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
    times.set(name, (times.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...times]
    .map(([name, ms]) => ({ name, ms }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

/** Runs `step` under the profiler; writes the profile to `path` and prints its top functions. */
export async function profiled<T>(
  context: BrowserContext,
  page: Page,
  path: string,
  step: () => Promise<T>,
): Promise<T> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const result = await step();
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: Profile };
  await cdp.detach();
  await writeFile(path, JSON.stringify(profile));
  const total = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  console.log(`CPU profile (${path}), ${total.toFixed(0)} ms sampled; self time by function:`);
  for (const { name, ms } of selfTimes(profile))
    console.log(
      `  ${ms.toFixed(0).padStart(6)} ms ${((ms / total) * 100).toFixed(1).padStart(5)} %  ${name}`,
    );
  return result;
}
