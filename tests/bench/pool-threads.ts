/**
 * Where a bench step's CPU goes in Chromium, read from outside the browser: the CPU time of
 * every thread of the browser's renderer processes (/proc/<pid>/task/<tid>/stat), grouped by
 * thread name, taken before and after the step. Wall clock on a shared machine says little;
 * CPU seconds per entry on each thread say where the work is (the page's main thread, the
 * dedicated workers, the thread pool where Chromium runs WebCrypto, V8's helper threads).
 *
 * And CPU profiles of the page and of its dedicated workers through CDP, summarised by self
 * time: the page through a session of its own, the workers through that session's
 * auto-attached targets (Target.sendMessageToTarget, since a worker has no page of its own).
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import { selfTimes } from './cpu-profile.ts';

const TICK_MS = 10; // CLK_TCK is 100 on Linux

/** Thread groups by the name Chromium gives its threads (at most 15 characters in /proc). */
function groupOf(comm: string, main: boolean): string {
  if (main || comm === 'CrRendererMain') return 'main';
  if (comm.startsWith('DedicatedWorker')) return 'workers';
  if (comm.startsWith('ThreadPool')) return 'thread pool';
  if (comm.startsWith('V8 ')) return 'V8 helpers';
  return 'other';
}

/** CPU milliseconds so far per thread group, over every renderer process of `profile`. */
export async function rendererCpu(profile: string): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes(profile) || !cmdline.includes('--type=renderer')) continue;
      for (const tid of await readdir(`/proc/${pid}/task`)) {
        const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const close = stat.lastIndexOf(')');
        const comm = stat.slice(stat.indexOf('(') + 1, close);
        const fields = stat.slice(close + 2).split(' ');
        const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
        const group = groupOf(comm, tid === pid);
        totals.set(group, (totals.get(group) ?? 0) + ticks * TICK_MS);
      }
    } catch {
      // the process or thread ended meanwhile
    }
  }
  return totals;
}

/** CPU milliseconds per thread group that `step` took, and its result. */
export async function cpuDuring<T>(
  profile: string,
  step: () => Promise<T>,
): Promise<{ result: T; cpu: Map<string, number> }> {
  const before = await rendererCpu(profile);
  const result = await step();
  const after = await rendererCpu(profile);
  const cpu = new Map<string, number>();
  for (const [group, ms] of after) cpu.set(group, ms - (before.get(group) ?? 0));
  return { result, cpu };
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Sends `method` to the auto-attached target `sessionId` through `cdp`; resolves its result. */
function makeTargetSender(cdp: CDPSession) {
  let next = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  cdp.on('Target.receivedMessageFromTarget', ({ message }) => {
    const parsed = JSON.parse(message) as { id?: number; result?: unknown };
    if (parsed.id !== undefined) waiting.get(parsed.id)?.(parsed.result);
  });
  return (sessionId: string, method: string, params: object = {}): Promise<unknown> => {
    const id = next++;
    const answer = new Promise((resolve) => waiting.set(id, resolve));
    void cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id, method, params }),
    });
    return answer;
  };
}

/** Stretches of 1 ms or more in which the thread was idle: "start+length" ms, from the start. */
function idleStretches(profile: Profile): string[] {
  const idle = new Set(
    profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
  );
  const out: string[] = [];
  let at = 0;
  let from = 0;
  let length = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (idle.has(id)) {
      if (length === 0) from = at;
      length += ms;
    } else {
      if (length >= 1) out.push(`${from.toFixed(0)}+${length.toFixed(0)}`);
      length = 0;
    }
    at += ms;
  });
  if (length >= 1) out.push(`${from.toFixed(0)}+${length.toFixed(0)}`);
  return out;
}

function summary(label: string, profile: Profile, count: number): string[] {
  const busy = selfTimes(profile, Infinity).filter((t) => !/^\((idle|program)\)/.test(t.name));
  const busyMs = busy.reduce((a, t) => a + t.ms, 0);
  const sampled = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
  const lines = [
    `  profile of ${label}: ${((busyMs * 1000) / count).toFixed(1)} µs of JavaScript per entry; idle stretches of 1 ms or more (ms from the start of ${sampled.toFixed(0)}): ${idleStretches(profile).join(' ') || 'none'}; self time per entry by function:`,
  ];
  for (const { name, ms } of selfTimes(profile, 14))
    lines.push(`    ${((ms * 1000) / count).toFixed(2).padStart(8)} µs  ${name}`);
  return lines;
}

/**
 * Runs `step` with the page's main thread and every dedicated worker it has running under
 * the CPU profiler; writes the raw profiles to `path`-<target>.cpuprofile and returns their
 * summaries per entry of `count`.
 */
export async function profileWithWorkers<T>(
  context: BrowserContext,
  page: Page,
  path: string,
  count: number,
  step: () => Promise<T>,
): Promise<{ result: T; lines: string[] }> {
  const cdp = await context.newCDPSession(page);
  const workers: { id: string; url: string }[] = [];
  cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type === 'worker') workers.push({ id: sessionId, url: targetInfo.url });
  });
  await cdp.send('Target.setAutoAttach', {
    autoAttach: true,
    waitForDebuggerOnStart: false,
    flatten: false,
  });
  const send = makeTargetSender(cdp);
  const targets = [
    { label: 'the main thread', call: (m: string, p?: object) => cdp.send(m as never, p as never) },
    ...workers.map(({ id, url }, i) => ({
      label: `worker ${i + 1} (${url.split('/').at(-1) ?? url})`,
      call: (m: string, p?: object) => send(id, m, p),
    })),
  ];
  for (const t of targets) {
    await t.call('Profiler.enable');
    await t.call('Profiler.setSamplingInterval', { interval: 200 });
    await t.call('Profiler.start');
  }
  const result = await step();
  const lines: string[] = [];
  for (const [i, t] of targets.entries()) {
    const { profile } = (await t.call('Profiler.stop')) as { profile: Profile };
    await writeFile(`${path}-${i}.cpuprofile`, JSON.stringify(profile));
    lines.push(...summary(t.label, profile, count));
  }
  await cdp.detach();
  return { result, lines };
}
