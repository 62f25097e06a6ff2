/**
 * Imports a ledger file (the CLI's format: one entry per line, genesis first) through the
 * validator: every line is checked like an entry from a peer, and refused lines are listed.
 */
import { For, Show } from 'solid-js';
import { useServices } from '../../app/context.ts';
import type { ImportOutcome, ImportState } from '../../app/team.ts';
import { formatCount } from './format.ts';

export function LedgerFileImport(props: { label?: string }) {
  const { teams } = useServices();
  const choose = (event: Event & { currentTarget: HTMLInputElement }) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    input.value = '';
    if (file !== undefined) void teams.importFile(file);
  };
  return (
    <div class="stack-tight" data-testid="ledger-import">
      <input
        id="ledger-file"
        class="visually-hidden"
        type="file"
        data-testid="ledger-file-input"
        onChange={choose}
      />
      <label for="ledger-file" class="button button-quiet">
        {props.label ?? 'Import a ledger file…'}
      </label>
      <ImportStatus />
    </div>
  );
}

/** The import under way (entries checked so far) or the last one's outcome. */
export function ImportStatus() {
  const { teams } = useServices();
  return (
    <Show when={teams.imports()}>
      {(state) => (
        <Show when={state().outcome} fallback={<ImportProgress state={state()} />}>
          {(outcome) => (
            <div data-testid="import-outcome" data-file={state().fileName}>
              <ImportReportView outcome={outcome()} />
            </div>
          )}
        </Show>
      )}
    </Show>
  );
}

function ImportProgress(props: { state: ImportState }) {
  return (
    <p role="status" data-testid="import-progress">
      Checking the entries of {props.state.fileName}…{' '}
      {props.state.total > 0 ? `${props.state.done} of ${props.state.total}` : ''}
      <progress class="progress" max={props.state.total || 1} value={props.state.done} />
    </p>
  );
}

function ImportReportView(props: { outcome: ImportOutcome }) {
  return (
    <Show
      when={props.outcome.ok && props.outcome.report}
      fallback={
        <p class="notice notice-denied" role="alert">
          Not imported: {(props.outcome as { message: string }).message}
        </p>
      }
    >
      {(report) => (
        <div class="notice" role="status" data-testid="import-report">
          Imported: {formatCount(report().admitted)} new, {formatCount(report().duplicate)} already
          here, {formatCount(report().held)} waiting for earlier entries,{' '}
          {formatCount(report().rejectedCount)} refused.
          <Show when={report().truncatedTail > 0}>
            <p class="notice notice-review" data-testid="import-torn">
              Its last {formatCount(report().truncatedTail)} bytes are not a complete line (no line
              break at the end: a copy or a download cut short), so they were not imported. Take the
              file again from where it came.
            </p>
          </Show>
          <For each={report().equivocators}>
            {(liar) => (
              <p class="notice notice-denied" role="alert" data-testid="import-equivocator">
                This file shows <strong>{liar.name}</strong> signing two different entries at
                position {liar.seq}: it is marked malicious, and nothing it signed from there on
                counts.
              </p>
            )}
          </For>
          <Show when={report().rejected.length > 0}>
            <ul class="plain-list small">
              <For each={report().rejected.slice(0, 20)}>
                {(line) => (
                  <li>
                    line {line.line}: <code>{line.code}</code> {line.message}
                  </li>
                )}
              </For>
            </ul>
            <Show when={report().rejectedCount > 20}>
              <p class="small muted">
                and {formatCount(report().rejectedCount - 20)} more refused lines.
              </p>
            </Show>
          </Show>
        </div>
      )}
    </Show>
  );
}
