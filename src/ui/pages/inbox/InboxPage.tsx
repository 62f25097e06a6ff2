/**
 * The Inbox (the default page): every bundle this device was given, kept across reloads, each
 * with its status at a glance (allowed, do not apply, needs review, applied, rolled back...),
 * newest first, and, once they fall in two groups or more, a filter by what may be done with
 * them (kept in the address, so coming back from a patch keeps it); patches the team ledger
 * knows whose bundle is not here yet; and where a bundle comes in (picker, or drop anywhere on
 * the page). Opening one shows its Patch detail.
 */
import { A, useNavigate, useSearchParams } from '@solidjs/router';
import { createMemo, createSignal, For, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { InboxItem, InboxSource } from '../../../app/inbox.ts';
import { failureWords } from '../../../app/secure-context.ts';
import { formatAgo } from '../../components/format.ts';
import { CutShortImports } from '../../components/CutShortImports.tsx';
import { UnfinishedNotices } from '../../components/UnfinishedNotices.tsx';
import { BundleDrop } from './BundleDrop.tsx';
import { InboxStatusChip } from './InboxStatusChip.tsx';
import { InboxFilter } from './InboxFilter.tsx';
import {
  GROUP_LABELS,
  groupCounts,
  groupOf,
  groupParam,
  notKeptWords,
  refusalWords,
  type InboxGroup,
} from './inbox-words.ts';
import { PublishedList } from './PublishedList.tsx';
import './inbox.css';

const SOURCES: Record<InboxSource, string> = {
  file: 'opened from a file',
  drop: 'dropped here',
  launch: 'opened with the app',
  peer: 'from a peer',
  folder: 'from the kiosk’s folder',
};

function InboxRow(props: { item: InboxItem }) {
  const { bundles, workflow } = useServices();
  const notKept = () =>
    notKeptWords(props.item.keeping, props.item.check.fileSize, bundles.maxBundleBytes);
  /** A file that is no valid bundle: why, as its Patch detail's verdict says it. */
  const refusal = () => {
    const verdict = workflow.verdict(props.item.key);
    return verdict?.state === 'invalid' ? refusalWords(verdict.headline) : undefined;
  };
  /**
   * What the policy says now, beside what this device did (applied, rolled back): a patch rolled
   * back because it was denied must not read as one that may go back on.
   */
  const verdictNow = () => {
    const verdict = workflow.verdict(props.item.key);
    return verdict?.deviceState === undefined ? undefined : verdict.state;
  };
  return (
    <li
      class="inbox-item"
      data-testid="inbox-item"
      data-key={props.item.key}
      data-status={workflow.status(props.item.key)}
    >
      <A href={`/patch/${props.item.key}`} class="inbox-link">
        <InboxStatusChip status={workflow.status(props.item.key)} />
        <Show when={verdictNow()}>
          {(state) => <InboxStatusChip status={state()} testid="inbox-verdict" />}
        </Show>
        <span class="inbox-name">{props.item.fileName}</span>
        <span class="muted small">
          {SOURCES[props.item.source]} {formatAgo(props.item.receivedAt, Date.now())}
          {notKept() === '' ? '' : ` · not kept: ${notKept()}`}
        </span>
        <Show when={refusal()}>
          {(said) => (
            <span class="inbox-refusal" data-testid="inbox-refusal">
              {said()}
            </span>
          )}
        </Show>
        <Show when={props.item.check.report}>
          {(report) => (
            <span class="muted inbox-reason">{report().predicate.reason_for_patch}</span>
          )}
        </Show>
      </A>
    </li>
  );
}

function EmptyInbox() {
  const { teams } = useServices();
  return (
    <div class="notice" data-testid="inbox-empty">
      <p>
        <strong>No bundles yet.</strong> Open a bundle file someone sent you, or drop it on this
        page: it is checked here and never uploaded.
      </p>
      <Show when={teams.phase().kind === 'none'}>
        <p>
          To know whether a patch may be applied on this device,{' '}
          <A href="/team">found or join a team</A> first: its policy decides.
        </p>
      </Show>
    </div>
  );
}

/** The bundles on this device, filtered by group when there are groups to choose from. */
function InboxList() {
  const { inbox, workflow } = useServices();
  const [params, setParams] = useSearchParams<{ show?: string }>();
  const groups = createMemo(() =>
    groupCounts(inbox.items().map((item) => workflow.status(item.key))),
  );
  const chosen = () => groupParam(params.show);
  const shown = () => {
    const group = chosen();
    const items = inbox.items();
    if (group === undefined) return items;
    // One not judged yet may be in the group: listed (as "Checking…") until it is judged.
    return items.filter((item) => {
      const status = workflow.status(item.key);
      return status === 'checking' || groupOf(status) === group;
    });
  };
  const choose = (group: InboxGroup | undefined) => setParams({ show: group }, { replace: true });
  return (
    <>
      <h2>On this device</h2>
      <Show when={groups().length > 1 || chosen() !== undefined}>
        <InboxFilter
          groups={groups()}
          total={inbox.items().length}
          chosen={chosen()}
          onChoose={choose}
        />
      </Show>
      <Show
        when={shown().length > 0}
        fallback={
          <p class="notice" data-testid="inbox-filter-empty">
            No bundle here is “{GROUP_LABELS[chosen() ?? 'allowed']}” now.{' '}
            <button type="button" class="button button-quiet" onClick={() => choose(undefined)}>
              Show all {inbox.items().length}
            </button>
          </p>
        }
      >
        <ul class="inbox-list" data-testid="inbox-list">
          <For each={shown()}>{(item) => <InboxRow item={item} />}</For>
        </ul>
      </Show>
    </>
  );
}

export default function InboxPage() {
  const { bundles, inbox, workflow } = useServices();
  const navigate = useNavigate();
  const [problem, setProblem] = createSignal<string>();
  /** Several files at once: how far along, then how many were opened. */
  const [batch, setBatch] = createSignal<{ done: number; total: number; opened: number }>();
  const open = async (file: File, source: InboxSource) => {
    setProblem(undefined);
    setBatch(undefined);
    try {
      const item = await inbox.open(file, source);
      navigate(`/patch/${item.key}`);
    } catch (error) {
      setProblem(`Could not open ${file.name}: ${failureWords(error)}`);
    }
  };
  /** One file opens its patch; several are each checked and listed here, the refused named. */
  const openAll = async (files: File[], source: InboxSource) => {
    const [first] = files;
    if (files.length === 1 && first !== undefined) return open(first, source);
    setProblem(undefined);
    const refused: string[] = [];
    let opened = 0;
    for (const [i, file] of files.entries()) {
      setBatch({ done: i, total: files.length, opened });
      try {
        await inbox.open(file, source);
        opened++;
      } catch (error) {
        refused.push(`${file.name}: ${failureWords(error)}`);
      }
    }
    setBatch({ done: files.length, total: files.length, opened });
    if (refused.length > 0)
      setProblem(`Could not open ${refused.length} of ${files.length}: ${refused.join('; ')}`);
  };
  return (
    <section class="page" aria-labelledby="inbox-title">
      <h1 id="inbox-title" class="page-title">
        Inbox
      </h1>
      <UnfinishedNotices />
      <CutShortImports link />
      <BundleDrop
        onFiles={(files, source) => void openAll(files, source)}
        maxBytes={bundles.maxBundleBytes}
      />
      <Show when={problem()}>
        {(said) => (
          <p class="notice notice-denied" role="alert" data-testid="open-problem">
            {said()}
          </p>
        )}
      </Show>
      <Show when={inbox.checking()}>
        {(name) => (
          <p class="notice" role="status" data-testid="checking">
            Checking {name()}…
            {batch() === undefined ? '' : ` (${(batch()?.done ?? 0) + 1} of ${batch()?.total})`}{' '}
            <progress class="progress" />
          </p>
        )}
      </Show>
      <div role="status">
        <Show when={batch()?.done === batch()?.total ? batch() : undefined}>
          {(done) => (
            <p class="notice" data-testid="opened">
              Opened {done().opened} of {done().total} bundles: each is listed below with its
              status.
            </p>
          )}
        </Show>
      </div>
      <Show
        when={inbox.loaded()}
        fallback={
          <p class="muted" role="status">
            Opening the bundles kept on this device…
          </p>
        }
      >
        <Show
          when={inbox.items().length > 0 || workflow.published().length > 0}
          fallback={<EmptyInbox />}
        >
          <Show when={inbox.items().length > 0}>
            <InboxList />
          </Show>
          <PublishedList onFile={(file) => void open(file, 'peer')} />
        </Show>
      </Show>
    </section>
  );
}
