/** `ledger verify`: every line of a ledger file checked again, signatures included. */
import type { Command } from '../context.ts';
import { openLedgerFile } from '../ledger-file.ts';
import { shown } from '../terminal.ts';
import { ledgerOption, ledgerPath, out } from './ledger-common.ts';

export const verifyCommand: Command = {
  name: 'ledger verify',
  summary: 'check every entry of a ledger file again, signatures included',
  usage: 'patchtrail ledger verify --ledger FILE [--json]',
  options: { ...ledgerOption },
  positionals: 0,
  async run(values, _p, context) {
    const { ledger, report } = await openLedgerFile(ledgerPath(values), false);
    const registry = ledger.registry();
    const malicious = [...registry.identities.values()]
      .filter((i) => i.malicious)
      .map((i) => i.did);
    const tornTail = report.truncatedTail;
    const summary = {
      ok: report.rejected.length === 0 && report.held === 0 && tornTail === 0,
      ledger: ledger.id,
      entries: ledger.size,
      digest: await ledger.digest(),
      outOfStanding: ledger.outOfStanding().length,
      held: report.held,
      rejected: report.rejected,
      tornTail,
      malicious,
    };
    out(
      context,
      values,
      summary,
      [
        `ledger ${ledger.id}`,
        `${ledger.size} entries verified; digest ${summary.digest}`,
        `${summary.outOfStanding} out of standing; ${malicious.length} identities proven malicious`,
        ...report.rejected.map((r) => `line ${r.line}: ${r.code}: ${shown(r.message)}`),
        ...(report.held > 0 ? [`${report.held} entries wait for a missing predecessor`] : []),
        ...(tornTail > 0
          ? [
              `a torn last line: ${tornTail} bytes after the last newline (a write cut short); the next append sets them aside`,
            ]
          : []),
        '',
      ].join('\n'),
    );
    if (summary.ok) return 0;
    if (values.json !== true) context.stderr(`${firstProblem(summary)}\n`);
    return 1;
  },
};

function firstProblem(summary: { rejected: { code: string }[]; held: number; tornTail: number }) {
  const [rejected] = summary.rejected;
  if (rejected !== undefined) return `${rejected.code}: ledger has rejected lines`;
  if (summary.tornTail > 0) return 'MALFORMED_INPUT: ledger ends with a torn line';
  return `MALFORMED_INPUT: ${summary.held} entries wait for a missing predecessor`;
}
