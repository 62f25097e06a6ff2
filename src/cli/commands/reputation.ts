/** `patchtrail reputation`: every system's trust score from a ledger file, and why. */
import {
  computeReputation,
  defaultReputationParams,
  explainScore,
  isFarAbove,
  isDidKey,
  latestSelfReport,
  selfReports,
  reputationClock,
  reputationInputs,
  type Ledger,
} from '../../core/index.ts';
import type { Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { shown } from '../terminal.ts';
import { ledgerPath, openLedger } from './ledger-common.ts';

const percent = (ppb: number) => `${(ppb / 1e7).toFixed(3)}%`;

/**
 * The newest score `did` reported for itself, beside the computed one: history, never an
 * input; `farAbove` when it claims more than FAR_ABOVE_PPB over what the ledger gives.
 */
function selfReport(ledger: Ledger, did: string, scores: ReadonlyMap<string, number>) {
  const entry = latestSelfReport(ledger, did);
  const [report] = entry === undefined ? [] : selfReports(ledger, [entry], scores);
  return report === undefined ? undefined : { ...report, farAbove: isFarAbove(report) };
}

export const reputation: Command = {
  name: 'reputation',
  summary: "every system's trust score (parts per billion) from a ledger, with --explain DID why",
  usage: 'patchtrail reputation --ledger FILE [--json] [--explain DID]',
  options: { ledger: { type: 'string' }, json: { type: 'boolean' }, explain: { type: 'string' } },
  positionals: 0,
  async run(values, _p, context) {
    const { ledger } = await openLedger(ledgerPath(values), context);
    const explain = values.explain;
    if (explain !== undefined && (typeof explain !== 'string' || !isDidKey(explain)))
      throw new UsageError('--explain takes a did:key');
    const params = defaultReputationParams(reputationClock(ledger));
    const input = reputationInputs(ledger, params);
    const result = computeReputation(input, params);
    const names = ledger.registry().identities;
    const rows = result.order.map((did) => ({
      did,
      name: names.get(did)?.name ?? '',
      ppb: result.scores.get(did) ?? 0,
    }));
    const why = typeof explain === 'string' ? explainScore(input, result, explain) : undefined;
    const reported =
      typeof explain === 'string' ? selfReport(ledger, explain, result.scores) : undefined;
    if (values.json === true) {
      const json = {
        ok: true,
        asOf: params.asOf,
        scoreHash: result.scoreHash,
        paramsHash: result.paramsHash,
        iterations: result.iterations,
        converged: result.converged,
        scores: rows,
        ...(why === undefined ? {} : { explanation: why }),
        ...(reported === undefined ? {} : { selfReport: reported }),
      };
      context.stdout(`${JSON.stringify(json)}\n`);
      return 0;
    }
    const lines = [
      `as of ${params.asOf}; ${rows.length} systems; ${result.iterations} iterations; scores ${result.scoreHash}`,
      ...rows.map(
        (r) =>
          `${percent(r.ppb).padStart(9)}  ${r.did}${r.name === '' ? '' : `  ${shown(r.name)}`}`,
      ),
    ];
    if (why !== undefined) {
      lines.push(
        '',
        `${explain as string}: ${percent(why.ppb)}, rank ${why.rank}`,
        `  pre-trust ${percent(why.pretrust.ppb)}; from others ${percent(why.fromOthers)} (trusted by ${why.trustedBy})`,
        ...why.contributors.map(
          (c) => `  from ${c.did}: ${percent(c.ppb)} (edge weight ${c.weight})`,
        ),
        `  multiplier ${why.multiplier}/1024${why.zeroed ? ' (zeroed: hard evidence of malice)' : ''}`,
        ...why.penalties.map(
          (p) =>
            `  penalty ${p.kind}${p.patch === undefined ? '' : ` on ${p.patch}`}: ${p.entries.join(', ')}`,
        ),
      );
      if (reported !== undefined)
        lines.push(
          `  self-reported ${percent(reported.reported)} in ${reported.entry}${reported.farAbove ? ': FAR ABOVE its computed score' : ''} (history only, never an input)`,
        );
    }
    context.stdout(`${lines.join('\n')}\n`);
    return 0;
  },
};
