/**
 * Validation as you type: every change to the draft is checked by the policy engine, with the
 * CEL engine loaded the first time the draft has a `cel` rule (its own chunk: the screen does
 * not carry it until then), and against the ledger (the version in force, roles, systems).
 */
import { createEffect, createMemo, createSignal, type Accessor } from 'solid-js';
import type { CelEngine } from '../core/policy/cel-api.ts';
import { loadCelEngine, usesCel } from '../core/policy/cel-load.ts';
import type { PolicyDocument } from '../core/policy/types.ts';
import type { PolicyDraft } from './policy-draft.ts';
import type { TextPosition } from './policy-json.ts';
import {
  checkDocument,
  ledgerProblems,
  type DraftProblem,
  type LedgerFacts,
} from './policy-problems.ts';

export type DraftCheck =
  /** The JSON text does not parse. */
  | { kind: 'syntax'; message: string; at: TextPosition }
  | {
      kind: 'checked';
      problems: DraftProblem[];
      /** Problems that block publishing. */
      errors: number;
      /** The checked document, when nothing blocks it. */
      valid: { document: PolicyDocument; hash: string } | undefined;
      /** True while the CEL engine loads: expressions are not compiled yet. */
      celPending: boolean;
    };

export function createDraftCheck(
  draft: Accessor<PolicyDraft | undefined>,
  facts: Accessor<LedgerFacts | undefined>,
): Accessor<DraftCheck | undefined> {
  const [cel, setCel] = createSignal<CelEngine>();
  const [celFailure, setCelFailure] = createSignal<string>();
  const needsCel = createMemo(() => usesCel(draft()?.value()));
  createEffect(() => {
    if (!needsCel() || cel() !== undefined) return;
    loadCelEngine().then(
      (engine) => setCel(() => engine),
      (error: unknown) => setCelFailure(error instanceof Error ? error.message : String(error)),
    );
  });
  return createMemo((): DraftCheck | undefined => {
    const current = draft();
    if (current === undefined) return undefined;
    const parsed = current.parsed();
    if (!parsed.ok) return { kind: 'syntax', message: parsed.message, at: parsed.at };
    const engine = cel();
    const celPending = needsCel() && engine === undefined;
    const result = checkDocument(parsed.value, engine);
    const problems = 'problems' in result ? result.problems : [];
    const known = facts();
    if ('document' in result && known !== undefined)
      problems.push(...ledgerProblems(result.document, result.hash, known));
    const failure = celFailure();
    if (celPending && failure !== undefined)
      problems.push({
        path: '',
        message: `the CEL engine could not be loaded, so expressions cannot be checked: ${failure}`,
        severity: 'error',
      });
    const errors = problems.filter((p) => p.severity === 'error').length;
    const valid = 'document' in result && errors === 0 && !celPending ? result : undefined;
    return { kind: 'checked', problems, errors, valid, celPending };
  });
}
