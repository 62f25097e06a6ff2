/**
 * Imports a ledger file (the CLI's format: one entry per line, genesis first) through the
 * validator: every line is checked like an entry from a peer, and refused lines are listed.
 */
import { createSignal, For, Show } from 'solid-js';
import { useServices } from '../../app/context.ts';
import type { ImportOutcome } from '../../app/team.ts';

export function LedgerFileImport(props: { label?: string }) {
  const { teams } = useServices();
  const [progress, setProgress] = createSignal<{ done: number; total: number }>();
  const [outcome, setOutcome] = createSignal<ImportOutcome>();
  const choose = async (event: Event & { currentTarget: HTMLInputElement }) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    input.value = '';
    if (file === undefined) return;
    setOutcome(undefined);
    setProgress({ done: 0, total: 0 });
    const bytes = new Uint8Array(await file.arrayBuffer());
    const result = await teams.importFile(bytes, (done, total) => setProgress({ done, total }));
    setProgress(undefined);
    setOutcome(result);
  };
  return (
    <div class="stack-tight" data-testid="ledger-import">
      <input
        id="ledger-file"
        class="visually-hidden"
        type="file"
        data-testid="ledger-file-input"
        onChange={(event) => void choose(event)}
      />
      <label for="ledger-file" class="button button-quiet">
        {props.label ?? 'Import a ledger file…'}
      </label>
      <Show when={progress()}>
        {(p) => (
          <p role="status">
            Checking entries… {p().total > 0 ? `${p().done} of ${p().total}` : ''}
            <progress class="progress" max={p().total || 1} value={p().done} />
          </p>
        )}
      </Show>
      <Show when={outcome()}>
        {(result) => (
          <Show
            when={result().ok && result()}
            fallback={
              <p class="notice notice-denied" role="alert">
                Not imported: {(result() as { message: string }).message}
              </p>
            }
          >
            {(ok) => {
              const report = () => (ok() as Extract<ImportOutcome, { ok: true }>).report;
              return (
                <div class="notice" role="status" data-testid="import-report">
                  Imported: {report().admitted} new, {report().duplicate} already here,{' '}
                  {report().held} waiting for earlier entries, {report().rejected.length} refused.
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
                  </Show>
                </div>
              );
            }}
          </Show>
        )}
      </Show>
    </div>
  );
}
