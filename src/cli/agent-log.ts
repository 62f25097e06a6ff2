/**
 * One line per decision of `agent --watch`: a JSON object per line with `--json`, otherwise
 * time, outcome, file, patch, and the code and reason when there is one. The file name, the
 * reason and any message carry untrusted text (the drop folder's names, the bundle's words):
 * each goes through `shown()`, so no name can fake a line.
 */
import type { ApplyRunResult, ErrorCode } from '../core/index.ts';
import { shown } from './terminal.ts';

export type LineStatus =
  | ApplyRunResult['status']
  /** An entry of the drop folder that is not a bundle file it will open. */
  | 'refused'
  /** Not yet whole when `--once` ended: left for a later run. */
  | 'waiting'
  /** A bundle was being decided when the agent last stopped: it is decided again. */
  | 'resumed'
  /** A failure that is not the bundle's (no policy in force, ...): tried again later. */
  | 'error'
  /** The service started (not with `--once`): the first line. */
  | 'watching'
  | 'stopped';

export interface DecisionLine {
  time: string;
  status: LineStatus;
  file?: string;
  /** SHA-256 of the file's bytes (hex): what the agent remembers it by. */
  digest?: string;
  patch?: string;
  code?: ErrorCode;
  message?: string;
  /** Ledger entries this decision recorded, oldest first. */
  recorded?: string[];
  /** What a failed `--post-check` printed: its last bytes (untrusted), and how many in all. */
  output?: string;
  outputBytes?: number;
}

export function formatLine(line: DecisionLine, json: boolean): string {
  if (json) return `${JSON.stringify(line)}\n`;
  const parts = [line.time, line.status.padEnd(15)];
  if (line.file !== undefined) parts.push(shown(line.file));
  if (line.patch !== undefined) parts.push(line.patch);
  if (line.code !== undefined) parts.push(`${line.code}:`);
  if (line.message !== undefined) parts.push(shown(line.message));
  if (line.recorded !== undefined && line.recorded.length > 0)
    parts.push(`(recorded ${line.recorded.join(', ')})`);
  if (line.output !== undefined) {
    const kept = Buffer.byteLength(line.output);
    const of = line.outputBytes !== undefined && line.outputBytes > kept;
    parts.push(
      `output${of ? ` (last ${kept} of ${line.outputBytes} bytes)` : ''}: ${shown(line.output)}`,
    );
  }
  return `${parts.join(' ')}\n`;
}

/** The line for one apply attempt: its status, the step that stopped it, what it recorded. */
export function resultLine(
  time: string,
  file: string,
  digest: string,
  result: ApplyRunResult,
): DecisionLine {
  const line: DecisionLine = { time, status: result.status, file, digest };
  if (result.patch !== undefined) line.patch = result.patch;
  const failed = result.steps.find((s) => !s.ok);
  if (failed !== undefined) {
    line.code = failed.code ?? 'MALFORMED_INPUT';
    line.message = failed.message;
  }
  const recorded = result.attestation;
  if (recorded !== undefined) {
    const parent = recorded.body.parent;
    line.recorded =
      result.status === 'rolled-back' && parent !== undefined
        ? [parent, recorded.id]
        : [recorded.id];
  }
  return line;
}
