/**
 * A job several callers wait for (a score history, a decision's trust scores): each caller
 * that passes a signal may leave; once every such caller has left, and none waits without
 * one, the job is cancelled, since its answer would only be thrown away.
 */
export interface SharedJob {
  stop: AbortController;
  /** Callers that may still leave (they gave a signal), and whether one gave none. */
  leaving: number;
  kept: boolean;
}

export const sharedJob = (): SharedJob => ({
  stop: new AbortController(),
  leaving: 0,
  kept: false,
});

/** Counts a caller in; `left` runs when that caller leaves (before a cancel). */
export function waitOn(job: SharedJob, leave: AbortSignal | undefined, left?: () => void): void {
  if (leave === undefined) {
    job.kept = true;
    return;
  }
  job.leaving += 1;
  const gone = () => {
    left?.();
    job.leaving -= 1;
    if (job.leaving === 0 && !job.kept) job.stop.abort();
  };
  if (leave.aborted) gone();
  else leave.addEventListener('abort', gone, { once: true });
}
