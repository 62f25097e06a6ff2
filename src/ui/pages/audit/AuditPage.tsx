/**
 * Audit: every apply, rollback and refusal the team's ledger holds, this device's and the
 * team's, newest first; filterable by device, outcome, patch and time; the rows shown exported
 * as JSON or CSV; a proof pack for a patch (its entries, inclusion proofs and a checkpoint that
 * covers them, as `patchtrail ledger prove` writes it) that a device without the ledger can
 * check with `patchtrail ledger verify-proof`.
 */
import { A } from '@solidjs/router';
import { createMemo, createResource, createSignal, Match, Show, Switch } from 'solid-js';
import type { AuditFilter, AuditRow, ProofPackOutcome } from '../../../app/audit.ts';
import { useServices } from '../../../app/context.ts';
import { firstLine } from '../../components/format.ts';
import { AuditFilters } from './AuditFilters.tsx';
import { AuditList } from './AuditList.tsx';
import './audit.css';

const PAGE = 200;
const NO_FILTER: AuditFilter = { device: 'all', outcome: 'all', patch: '', from: '', to: '' };

function download(text: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Trail(props: { rows: AuditRow[] }) {
  const { audit, inbox, workflow } = useServices();
  /** A bundle on this device (its verified reason), else the ledger's publish entry. */
  const titleOf = (patch: string) =>
    firstLine(
      inbox.find(patch)?.check.report?.predicate.reason_for_patch ??
        workflow.published().find((p) => p.patch === patch)?.reason ??
        '',
    );
  const [helpers] = createResource(() => audit.helpers());
  const [filter, setFilter] = createSignal<AuditFilter>(NO_FILTER);
  const [limit, setLimit] = createSignal(PAGE);
  /** The last proof pack asked for, and the row whose button asked (its answer shows there). */
  const [proof, setProof] = createSignal<{ row: string; outcome: ProofPackOutcome }>();
  const [busy, setBusy] = createSignal(false);
  const shown = createMemo(
    () => helpers()?.filterAudit(props.rows, filter(), titleOf) ?? props.rows,
  );
  const exportAs = (kind: 'json' | 'csv') => {
    const h = helpers();
    if (h === undefined) return;
    if (kind === 'json') download(h.auditJson(shown()), 'audit.json', 'application/json');
    else download(h.auditCsv(shown()), 'audit.csv', 'text/csv');
  };
  const makeProof = async (row: AuditRow) => {
    setBusy(true);
    setProof(undefined);
    const outcome = await audit.proofPack(row.patch);
    setBusy(false);
    setProof({ row: row.id, outcome });
    if (outcome.ok) download(outcome.text, outcome.fileName, 'application/json');
  };
  return (
    <>
      <AuditFilters rows={props.rows} filter={filter()} onChange={setFilter} />
      <div class="form-row audit-bar">
        <p role="status" data-testid="audit-count">
          {shown().length} of {props.rows.length} shown
        </p>
        <button type="button" class="button button-quiet" onClick={() => exportAs('json')}>
          Export JSON
        </button>
        <button type="button" class="button button-quiet" onClick={() => exportAs('csv')}>
          Export CSV
        </button>
      </div>
      <AuditList
        rows={shown().slice(0, limit())}
        titleOf={titleOf}
        onProof={(row) => void makeProof(row)}
        proof={proof()}
        busy={busy()}
      />
      <Show when={shown().length > limit()}>
        <button type="button" class="button button-quiet" onClick={() => setLimit((n) => n + PAGE)}>
          Show {Math.min(PAGE, shown().length - limit())} more
        </button>
      </Show>
    </>
  );
}

export default function AuditPage() {
  const { audit } = useServices();
  const state = audit.createAuditRows();
  return (
    <section class="page audit" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <p class="muted">Every apply, rollback and refusal on the team’s ledger, newest first.</p>
      <Switch>
        <Match when={state().kind === 'loading'}>
          <p role="status">Reading the ledger…</p>
        </Match>
        <Match when={state().kind === 'no-team'}>
          <p class="notice" data-testid="audit-empty">
            No team ledger on this device yet: <A href="/team">found or join a team</A> to see what
            was applied where.
          </p>
        </Match>
        <Match when={state().kind === 'ready' && (state() as { rows: AuditRow[] }).rows}>
          {(rows) => (
            <Show
              when={rows().length > 0}
              fallback={
                <p class="notice" data-testid="audit-empty">
                  Nothing has been applied, rolled back or refused yet. Open a bundle from the{' '}
                  <A href="/inbox">Inbox</A> and apply it from its page.
                </p>
              }
            >
              <Trail rows={rows()} />
            </Show>
          )}
        </Match>
      </Switch>
    </section>
  );
}
