/**
 * Audit rows as cards (a table would be cut off on phones): the outcome in words, who (device
 * name, "this device"), where (the target), when, which patch (a link to its page), the code a
 * refusal recorded, the tree hashes, and a proof pack for the patch, with its outcome beneath.
 */
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { AuditRow, ProofPackOutcome } from '../../../app/audit.ts';
import { targetLabel } from '../../../app/audit-rows.ts';
import { Did } from '../../components/CopyButton.tsx';
import { inlineName, ledgerTime } from '../../components/format.ts';
import { ProofResult } from './ProofResult.tsx';

const OUTCOME: Record<AuditRow['outcome'], { label: string; tone: string }> = {
  applied: { label: 'Applied', tone: 'neutral' },
  'rolled-back': { label: 'Rolled back', tone: 'neutral' },
  rejected: { label: 'Refused', tone: 'denied' },
};

const short = (digest: string) => `${digest.slice(0, 19)}…`;

/** The outcome of the proof pack last asked for, and the row (id) whose button asked. */
export type ProofAsked = { row: string; outcome: ProofPackOutcome } | undefined;

function AuditCard(props: {
  row: AuditRow;
  title: string;
  onProof: (row: AuditRow) => void;
  /** This row's proof pack outcome, when its button was the last pressed. */
  proof: ProofPackOutcome | undefined;
  busy: boolean;
}) {
  const row = () => props.row;
  return (
    <li
      class="audit-row"
      data-testid="audit-row"
      data-outcome={row().outcome}
      data-mine={row().mine ? 'yes' : 'no'}
      data-patch={row().patch}
    >
      <div class="audit-head">
        <span class={`chip chip-${OUTCOME[row().outcome].tone}`}>
          {OUTCOME[row().outcome].label}
        </span>
        <strong class="clamp-2">{row().deviceName || 'Unnamed device'}</strong>
        <Show when={row().mine}>
          <span class="chip">this device</span>
        </Show>
        <span class="muted small">
          on {targetLabel(row().target, row().device)} ·{' '}
          <time datetime={row().time}>{ledgerTime(row().time)}</time>
        </span>
      </div>
      <p class="small">
        Patch{' '}
        <A href={`/patch/${row().patch}`}>
          <Show when={props.title} fallback={<code class="digest">{short(row().patch)}</code>}>
            {(title) => <span data-testid="audit-patch-title">{inlineName(title(), 120)}</span>}
          </Show>
        </A>
        <Show when={props.title !== ''}>
          {' '}
          <code class="digest muted">{short(row().patch)}</code>
        </Show>
        <Show when={row().code !== ''}>
          {' '}
          · <code class="code">{row().code}</code>
        </Show>
      </p>
      <Show when={row().outOfStanding !== ''}>
        <p class="small notice notice-review">Does not count: {row().outOfStanding}</p>
      </Show>
      <Show when={row().treeBefore !== ''}>
        <p class="small audit-trees">
          Tree before <code class="digest">{short(row().treeBefore)}</code>, after{' '}
          <code class="digest">{short(row().treeAfter)}</code>
        </p>
      </Show>
      <div class="form-row">
        <Did did={row().device} />
        <button
          type="button"
          class="button button-quiet button-small"
          disabled={props.busy}
          onClick={() => props.onProof(row())}
        >
          Proof pack
          {/* Each row's button says whose pack it is, not only "Proof pack" again. */}
          <span class="visually-hidden">
            {' '}
            of {props.title === '' ? short(row().patch) : inlineName(props.title, 120)},{' '}
            {OUTCOME[row().outcome].label.toLowerCase()} on{' '}
            {targetLabel(row().target, row().device)}
          </span>
        </button>
      </div>
      <Show when={props.proof}>{(outcome) => <ProofResult outcome={outcome()} />}</Show>
    </li>
  );
}

export function AuditList(props: {
  rows: readonly AuditRow[];
  /** What the patch is, in its author's words ('' when no bundle or publish entry says). */
  titleOf: (patch: string) => string;
  onProof: (row: AuditRow) => void;
  proof: ProofAsked;
  busy: boolean;
}) {
  return (
    <ol class="audit-list" data-testid="audit-list">
      <For each={props.rows}>
        {(row) => (
          <AuditCard
            row={row}
            title={props.titleOf(row.patch)}
            onProof={props.onProof}
            proof={props.proof?.row === row.id ? props.proof.outcome : undefined}
            busy={props.busy}
          />
        )}
      </For>
    </ol>
  );
}
