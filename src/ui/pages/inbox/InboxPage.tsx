/**
 * The Inbox (the default page): open a bundle by picker or drag-and-drop; it is checked in the
 * verify worker and opens in its Patch detail. Bundles opened earlier in this session are
 * listed with their verdict.
 */
import { A, useNavigate } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { InboxItem } from '../../../app/inbox.ts';
import { BundleDrop } from './BundleDrop.tsx';
import { CheckingBanner, verdictTitle } from '../patch/VerdictBanner.tsx';
import './inbox.css';

function InboxRow(props: { item: InboxItem }) {
  const check = () => props.item.check;
  return (
    <li class="inbox-item" data-state={check().verdict}>
      <A href={`/patch/${props.item.key}`} class="inbox-link">
        <span class={`chip chip-${check().verdict}`}>{verdictTitle(check())}</span>
        <span class="inbox-name">{props.item.fileName}</span>
        <Show when={check().report}>
          {(report) => (
            <span class="muted inbox-reason">{report().predicate.reason_for_patch}</span>
          )}
        </Show>
      </A>
    </li>
  );
}

export default function InboxPage() {
  const { bundles, inbox } = useServices();
  const navigate = useNavigate();
  const open = async (file: File) => {
    const item = await inbox.open(file);
    navigate(`/patch/${item.key}`);
  };
  return (
    <section class="page" aria-labelledby="inbox-title">
      <h1 id="inbox-title" class="page-title">
        Inbox
      </h1>
      <BundleDrop onFile={(file) => void open(file)} maxBytes={bundles.maxBundleBytes} />
      <Show when={inbox.checking()}>{(name) => <CheckingBanner fileName={name()} />}</Show>
      <Show
        when={inbox.items().length > 0}
        fallback={<p class="muted">No bundles opened yet on this device in this session.</p>}
      >
        <h2>Opened in this session</h2>
        <ul class="inbox-list" data-testid="inbox-list">
          <For each={inbox.items()}>{(item) => <InboxRow item={item} />}</For>
        </ul>
      </Show>
    </section>
  );
}
