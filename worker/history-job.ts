/**
 * What a pool worker does with a `score-history` request (history-protocol.ts): opens a ledger
 * from the genesis sent, takes the other entries back in order with `restore` (the main thread
 * vouches for them: they are its verified ledger's, with their ids), which runs every check
 * that depends on the other entries, so the ledger comes out as admitting them would leave it,
 * and at each stop computes the reputation as the main thread does (`reputationInputs`, then
 * `computeReputation`): the same bits wherever they were computed. Admitting them in full with
 * `verifiedBefore` instead (decoding, canonical form and hash again) made the Reputation list of
 * a 100k-entry ledger take 10.1 s to appear, restoring 3.2 s (the main thread's own: 1.3 s, in
 * one 985 ms task). Progress goes out once per stop; the job gives the worker's event loop a
 * turn every TURN_MS, where a `cancel` for it is seen.
 */
import { Ledger } from '../src/core/ledger/ledger.ts';
import { replayToStops } from '../src/core/ledger/replay.ts';
import {
  computeReputation,
  defaultReputationParams,
  explainScore,
  reputationClock,
  reputationInputs,
  type ScoreExplanation,
} from '../src/core/reputation/index.ts';
import type {
  HistoryPoint,
  HistoryScoredAnswer,
  ScoredSystems,
  ScoreHistoryRequest,
} from './history-protocol.ts';
import type { JobContext } from './job-context.ts';
import type { Posted } from './reputation-protocol.ts';

/**
 * Work between turns: a cancel waits at most this long (a superseded history stops within it).
 * A turn is a timer, which waits 4 ms once nested: at most 4% of the job.
 */
const TURN_MS = 100;

const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const entryAt = ({ bytes, offsets }: ScoreHistoryRequest, i: number) =>
  new Uint8Array(bytes, offsets[i], (offsets[i + 1] as number) - (offsets[i] as number));

/** Restores entry `i` of the request, first giving the event loop a turn every TURN_MS. */
function restoring(ledger: Ledger, request: ScoreHistoryRequest, context: JobContext) {
  const ids = request.ids.split('\n');
  let since = performance.now();
  return async (i: number) => {
    if (performance.now() - since >= TURN_MS) {
      await nextTurn();
      context.throwIfCancelled();
      since = performance.now();
    }
    ledger.restore(entryAt(request, i), ids[i] as string);
  };
}

export async function runScoreHistory(
  request: ScoreHistoryRequest,
  context: JobContext,
): Promise<Posted<HistoryScoredAnswer>> {
  const { stops, did } = request;
  const ledger = await Ledger.open(entryAt(request, 0));
  const points: HistoryPoint[] = [];
  let systems: ScoreExplanation[] | undefined;
  let scored: ScoredSystems | undefined;
  for await (const stop of replayToStops(restoring(ledger, request, context), stops)) {
    const params = defaultReputationParams(reputationClock(ledger));
    const input = reputationInputs(ledger, params);
    const result = computeReputation(input, params);
    points.push({ entries: stop, ppb: (did === undefined ? 0 : result.scores.get(did)) ?? 0 });
    context.progress(points.length, stops.length);
    if (points.length < stops.length) continue;
    if (request.explain === true)
      systems = input.nodes.map(({ did }) => explainScore(input, result, did) as ScoreExplanation);
    if (request.scores === true)
      scored = {
        dids: input.nodes.map((node) => node.did),
        ppb: Array.from(result.ppb),
        scoreHash: result.scoreHash,
        digest: await ledger.digest(),
      };
  }
  const answer: HistoryScoredAnswer = { kind: 'history-scored', id: request.id, points };
  if (systems !== undefined) answer.systems = systems;
  if (scored !== undefined) answer.scored = scored;
  return { message: answer, transfer: [] };
}
