/** The explorer's entries: search, filters, a virtualised list, and the selected entry in full. */
import { createMemo, createSignal, For, Show } from 'solid-js';
import {
  ENTRY_KINDS,
  filterRows,
  type EntryFilter,
  type EntryRow,
} from '../../../app/ledger-rows.ts';
import type { OpenTeam } from '../../../app/ledger-session.ts';
import { Did } from '../../components/CopyButton.tsx';
import { VirtualList } from '../../components/VirtualList.tsx';
import { counted, formatCount, ledgerTime } from '../../components/format.ts';

/** Each row's height in pixels (two lines of text and padding). */
const ROW_HEIGHT = 60;

function statusLabel(row: EntryRow): string {
  if (row.status === 'verified') return 'verified';
  return row.status === 'REVOKED_KEY'
    ? 'author revoked'
    : row.status === 'EQUIVOCATION'
      ? 'author equivocated'
      : 'not counted';
}

function Row(props: { row: EntryRow; selected: boolean; onSelect: () => void }) {
  return (
    <button
      type="button"
      class="entry-row"
      classList={{ 'entry-selected': props.selected }}
      data-testid="entry-row"
      data-kind={props.row.kind}
      data-status={props.row.status}
      aria-pressed={props.selected}
      onClick={() => props.onSelect()}
    >
      <span class="entry-line">
        <span class="chip">{props.row.kind}</span>
        <span class="entry-author">{props.row.authorName}</span>
        <time class="muted small" datetime={props.row.time}>
          {ledgerTime(props.row.time)}
        </time>
        <span class={`chip ${props.row.status === 'verified' ? '' : 'chip-denied'} entry-status`}>
          {statusLabel(props.row)}
        </span>
      </span>
      <span class="entry-summary muted">{props.row.summary}</span>
    </button>
  );
}

function Detail(props: { team: OpenTeam; row: EntryRow }) {
  return (
    <section class="panel stack" aria-label="Selected entry" data-testid="entry-detail">
      <h3>
        {props.row.kind} by {props.row.authorName}, entry {props.row.seq} of its author
      </h3>
      <Show when={props.row.statusMessage}>
        {(why) => (
          <p class="notice notice-denied">
            Not counted: {why()} ({props.row.status})
          </p>
        )}
      </Show>
      <Did did={props.row.author} />
      <code class="digest small">{props.row.id}</code>
      <pre class="entry-json">{props.team.entryText(props.row.id)}</pre>
    </section>
  );
}

export function EntryList(props: { team: OpenTeam }) {
  const [filter, setFilter] = createSignal<EntryFilter>({ text: '', kind: '', status: 'all' });
  const [selected, setSelected] = createSignal<string>();
  const rows = createMemo(() => filterRows(props.team.entries(), filter()));
  const chosen = () => props.team.entries().find((row) => row.id === selected());
  const update = (patch: Partial<EntryFilter>) => setFilter({ ...filter(), ...patch });
  return (
    <div class="stack">
      <div class="filters" role="search">
        <label class="visually-hidden" for="entry-search">
          Search entries
        </label>
        <input
          id="entry-search"
          type="search"
          placeholder="Search: name, kind, text, id"
          onInput={(e) => update({ text: e.currentTarget.value })}
        />
        <label class="visually-hidden" for="entry-kind">
          Kind
        </label>
        <select id="entry-kind" onChange={(e) => update({ kind: e.currentTarget.value })}>
          <option value="">All kinds</option>
          <For each={ENTRY_KINDS}>{(kind) => <option value={kind}>{kind}</option>}</For>
        </select>
        <label class="visually-hidden" for="entry-status">
          Status
        </label>
        <select
          id="entry-status"
          onChange={(e) => update({ status: e.currentTarget.value as EntryFilter['status'] })}
        >
          <option value="all">Any status</option>
          <option value="verified">Verified</option>
          <option value="out">Not counted</option>
        </select>
      </div>
      <p class="muted small" data-testid="entry-count" role="status">
        {rows().length === props.team.entries().length
          ? counted(rows().length, 'entry', 'entries')
          : `${formatCount(rows().length)} of ${counted(props.team.entries().length, 'entry', 'entries')}`}
      </p>
      <VirtualList items={rows()} rowHeight={ROW_HEIGHT} label="Ledger entries" testid="entry-list">
        {(row) => (
          <Row
            row={row()}
            selected={row().id === selected()}
            onSelect={() => setSelected(row().id)}
          />
        )}
      </VirtualList>
      <Show when={chosen()}>{(row) => <Detail team={props.team} row={row()} />}</Show>
    </div>
  );
}
