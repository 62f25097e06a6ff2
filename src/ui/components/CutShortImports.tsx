/**
 * Ledger file imports of the open team that a reload or a closed tab cut short
 * (app/import-memory.ts): how far each got, that what got in is kept, and what to do. On the
 * Inbox (with a way to the Ledger) and at the top of the Ledger, until dismissed or the same
 * file is taken again in full.
 */
import { A } from '@solidjs/router';
import { createMemo, createResource, For, Show } from 'solid-js';
import { useServices } from '../../app/context.ts';
import { counted, deviceTime, formatCount, inlineName } from './format.ts';

export function CutShortImports(props: { link?: boolean }) {
  const { teams } = useServices();
  // The team's ledger id, '' (nothing asked) while an import runs here: asked again when the
  // team changes or an import here ends, and after a dismissal.
  const asked = createMemo(() => {
    const phase = teams.phase();
    const running = teams.imports() !== undefined && teams.imports()?.outcome === undefined;
    return 'membership' in phase && !running ? phase.membership.ledgerId : '';
  });
  const [cut, { refetch }] = createResource(asked, (ledgerId) => teams.cutShortImports(ledgerId));
  return (
    <div role="status" class="unfinished-notices">
      <For each={cut.state === 'ready' ? cut() : []}>
        {(record) => (
          <div
            class="notice notice-review"
            data-testid="import-cut-short"
            data-file={record.fileName}
          >
            <p>
              The import of <strong>{inlineName(record.fileName, 120)}</strong>, started{' '}
              {deviceTime(record.started)}, was cut short: the app was reloaded or closed while it
              ran.{' '}
              {record.total > 0
                ? `${formatCount(record.done)} of its ${counted(record.total, 'entry', 'entries')} had been checked. `
                : 'It stopped before its entries were checked. '}
              The entries admitted before it stopped are kept here; the rest of the file is not.
              Import the file again to take them: entries already here are skipped.
            </p>
            <Show when={props.link}>
              <A href="/ledger">Open the Ledger</A>
            </Show>
            <button
              type="button"
              class="button button-quiet button-small"
              onClick={() => {
                teams.dismissCutShortImport(record.id);
                void refetch();
              }}
            >
              Dismiss
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
