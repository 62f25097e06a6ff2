/**
 * Imports a ledger file (the CLI's format: one entry per line, genesis first) through the
 * validator: every line is checked like an entry from a peer, and refused lines are listed.
 */
import { For, Show, type JSX } from 'solid-js';
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

/**
 * The import under way (entries checked so far) or the last one's outcome: progress and report
 * in a status region always on the page (a screen reader hears what is put in it), a file
 * refused whole as an alert beside it, not inside it.
 */
export function ImportStatus() {
  const { teams } = useServices();
  const under = () => {
    const state = teams.imports();
    return state?.outcome === undefined ? state : undefined;
  };
  const done = (ok: boolean) => {
    const state = teams.imports();
    return state?.outcome?.ok === ok ? state : undefined;
  };
  const outcome = (state: ImportState, body: JSX.Element) => (
    <div data-testid="import-outcome" data-file={state.fileName}>
      {body}
    </div>
  );
  return (
    <>
      <div role="status" data-testid="import-live">
        <Show when={under()}>{(state) => <ImportProgress state={state()} />}</Show>
        <Show when={done(true)}>
          {(state) => outcome(state(), <ImportReportView outcome={state().outcome} />)}
        </Show>
      </div>
      <Show when={done(false)}>
        {(state) => outcome(state(), <ImportReportView outcome={state().outcome} />)}
      </Show>
    </>
  );
}

function ImportProgress(props: { state: ImportState }) {
  return (
    <p data-testid="import-progress">
      Checking the entries of {props.state.fileName}…{' '}
      {props.state.total > 0 ? `${props.state.done} of ${props.state.total}` : ''}
      <progress class="progress" max={props.state.total || 1} value={props.state.done} />
    </p>
  );
}

function ImportReportView(props: { outcome: ImportOutcome | undefined }) {
  return (
    <Show
      when={props.outcome?.ok === true && props.outcome.report}
      fallback={
        <p class="notice notice-denied" role="alert">
          Not imported: {(props.outcome as { message: string } | undefined)?.message}
        </p>
      }
    >
      {(report) => (
        <div class="notice" data-testid="import-report">
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
              <p class="notice notice-denied" data-testid="import-equivocator">
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
