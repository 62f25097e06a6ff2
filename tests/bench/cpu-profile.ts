/**
 * A CPU profile of one step in a bench page through Chromium's CDP Profiler, summarised as the
 * functions with the most self time (what the step spends its time in). Used by the benches
 * when PATCHTRAIL_BENCH_PROFILE is set; the raw profile is written beside for DevTools.
 */
import { writeFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { cpuOf, mainThreadEvents, startTrace, TASK_CATEGORIES } from '../e2e/browser.ts';

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

/**
 * Runs `step` under Chromium's tracing (the timeline's categories) and prints the page main
 * thread's tasks over `overMs`, longest first, each with the script calls and events it ran:
 * which work a long task is made of, which a CPU profile's samples cannot say (it has no task
 * boundaries). The raw trace is written to `path` for DevTools' Performance panel.
 */
export async function traced<T>(
  context: BrowserContext,
  page: Page,
  path: string,
  step: () => Promise<T>,
  overMs = 50,
): Promise<T> {
  const stopTrace = await startTrace(context, page, ['toplevel', ...TASK_CATEGORIES, 'v8.execute']);
  const cdp = await context.newCDPSession(page);
  // Samples in the tasks say what their microtasks ran; the profiler slows the page, so
  // PATCHTRAIL_BENCH_TRACE_SAMPLES=0 leaves it off to time the tasks as they are.
  const sampled = process.env.PATCHTRAIL_BENCH_TRACE_SAMPLES !== '0';
  if (sampled) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
    await cdp.send('Profiler.start');
  }
  const result = await step();
  const empty = { nodes: [], samples: [], timeDeltas: [], startTime: 0 };
  const { profile } = (sampled ? await cdp.send('Profiler.stop') : { profile: empty }) as {
    profile: Profile & { startTime: number; nodes: (ProfileNode & { children?: number[] })[] };
  };
  await cdp.detach();
  const events = await stopTrace();
  await writeFile(path, JSON.stringify({ traceEvents: events }));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parents.set(c, node.id);
  const on = mainThreadEvents(events);
  const tasks = on
    .filter((e) => e.name === 'RunTask' && (e.dur ?? 0) > overMs * 1000)
    .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0));
  console.log(`trace (${path}): ${tasks.length} main-thread tasks over ${overMs} ms`);
  // By the thread's CPU time: a loaded machine deschedules the thread inside a task, which the
  // wall clock (and the page's long-task entries) counts as the task's.
  const byCpu = on
    .filter((e) => e.name === 'RunTask' && e.tdur !== undefined)
    .sort((a, b) => cpuOf(b) - cpuOf(a))
    .slice(0, 5);
  console.log(
    `  longest tasks by CPU time: ${byCpu.map((e) => `${(cpuOf(e) / 1000).toFixed(1)} ms (${((e.dur ?? 0) / 1000).toFixed(1)} ms by the clock)`).join(', ')}`,
  );
  // Taken apart: the longest by the clock, and the three longest by CPU time.
  const apart = [...tasks.slice(0, 12), ...byCpu.slice(0, 3).filter((e) => !tasks.includes(e))];
  for (const task of apart) {
    const end = task.ts + (task.dur ?? 0);
    const inside = on.filter(
      (e) => e !== task && e.ts >= task.ts && e.ts < end && e.dur !== undefined,
    );
    const what = new Map<string, number>();
    for (const e of inside) {
      if (e.dur === undefined || e.dur < 1000) continue;
      const d = e.args?.data;
      const label =
        e.name === 'FunctionCall'
          ? `FunctionCall ${d?.functionName || '(anonymous)'} ${(d?.url ?? '').split('/').at(-1)}:${(d?.lineNumber ?? 0) + 1}`
          : e.name === 'EventDispatch'
            ? `EventDispatch ${d?.type ?? ''}`
            : e.name;
      what.set(label, (what.get(label) ?? 0) + e.dur);
    }
    const cpu =
      task.tdur === undefined ? '' : `, ${(cpuOf(task) / 1000).toFixed(1)} ms of it on the CPU`;
    console.log(
      `  task ${((task.dur ?? 0) / 1000).toFixed(1)} ms${cpu} at ${((task.ts - (on[0]?.ts ?? 0)) / 1000).toFixed(0)} ms:`,
    );
    for (const [label, us] of [...what].sort((a, b) => b[1] - a[1]).slice(0, 4))
      console.log(`    ${(us / 1000).toFixed(1).padStart(7)} ms  ${label}`);
    // The profile's samples in the task (the trace and the profiler share a clock), by
    // inclusive time per function: what the microtasks ran.
    const incl = new Map<string, number>();
    let t = profile.startTime;
    let n = 0;
    profile.samples.forEach((id, i) => {
      t += profile.timeDeltas[i] ?? 0;
      if (t < task.ts || t >= end) return;
      n += 1;
      const seen = new Set<string>();
      for (let x: number | undefined = id; x !== undefined; x = parents.get(x)) {
        const node = nodes.get(x);
        if (node === undefined) break;
        const label = `${node.callFrame.functionName || '(anonymous)'}:${node.callFrame.lineNumber + 1}`;
        if (seen.has(label)) continue;
        seen.add(label);
        incl.set(label, (incl.get(label) ?? 0) + 1);
      }
    });
    console.log(
      `    samples ${n}: ` +
        [...incl]
          .filter(([label]) => !label.startsWith('(root)'))
          .sort((a, b) => b[1] - a[1])
          .slice(0, 14)
          .map(([label, c]) => `${label} ${((100 * c) / Math.max(1, n)).toFixed(0)}%`)
          .join(', '),
    );
  }
  return result;
}
