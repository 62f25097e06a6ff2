/**
 * Patches published on the team ledger whose bundle this device does not hold: the ledger
 * carries digests, not bundles, so each says so and offers to open the file once someone
 * hands it over (its payload digest then matches and it joins the Inbox).
 */
import { For, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { formatAgo } from '../../components/format.ts';

export function PublishedList(props: { onFile: (file: File) => void }) {
  const { workflow } = useServices();
  const choose = (event: Event & { currentTarget: HTMLInputElement }) => {
    const file = event.currentTarget.files?.[0];
    event.currentTarget.value = '';
    if (file !== undefined) props.onFile(file);
  };
  return (
    <Show when={workflow.published().length > 0}>
      <h2>Known on the ledger, bundle not on this device</h2>
      <ul class="inbox-list" data-testid="published-list">
        <For each={workflow.published()}>
          {(row, index) => (
            <li class="inbox-link inbox-published" data-testid="published" data-patch={row.patch}>
              <span class="chip">On the ledger</span>
              <span class="inbox-name prose">
                {row.reason === '' ? 'No reason given' : row.reason}
              </span>
              <span class="muted small">
                published by {row.publisherName === '' ? 'an unnamed member' : row.publisherName}{' '}
                {formatAgo(row.time, Date.now())}. Ask them for the bundle file, then:
              </span>
              <input
                id={`published-file-${index()}`}
                class="visually-hidden"
                type="file"
                accept=".json,application/json"
                onChange={choose}
              />
              <label for={`published-file-${index()}`} class="button button-quiet button-small">
                Open the bundle file…
              </label>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
