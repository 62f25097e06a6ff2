/**
 * What an action did, or why it did not, and what to do next: the files and hunks (line,
 * offset) a dry run or an apply touched, the tree hashes, the ledger entry recorded.
 */
import { createMemo, createSignal, For, Show } from 'solid-js';
import type { FileRow, HunkRow } from '../../../app/patch-actions.ts';
import type { ActOutcome } from '../../../app/workflow.ts';
import { FIRST_ITEMS, moreItems } from '../../components/paging.ts';

const NEXT: Record<string, string> = {
  POLICY_DENIED: 'The verdict above says what is missing.',
  APPLY_CONFLICT: 'Check that you chose the right target, or roll back what changed it first.',
  UNSAFE_PATH: 'Do not apply it; tell whoever sent it.',
  UNKNOWN_AUTHOR: 'Ask an admin to register and endorse them.',
  REVOKED_KEY: 'Ask for a bundle signed by a current key.',
  INVALID_METADATA: 'The ledger disagrees with this action: see the message above.',
  TOO_LARGE: 'The patch or a file it touches is over a limit: apply it with the CLI instead.',
  FAILED: 'Try again; if it keeps failing, reload the page.',
  TEAM_CLOSED: 'The notice at the top of the page says why, and what to do next.',
  NOT_IN_INBOX: 'Open the bundle file again (Inbox) to act on it.',
};

/** What did not happen, first, in words: the code and the checker's message come after. */
const NOT_DONE: Record<string, string> = {
  POLICY_DENIED: 'Not applied: the policy in force does not allow it here',
  APPLY_CONFLICT: 'Not applied: the files here do not match what the patch expects',
  UNSAFE_PATH: 'Not applied: the patch would write where it must not',
  UNKNOWN_AUTHOR: 'Not applied: nobody in this team vouches for the author',
  REVOKED_KEY: 'Not applied: the author’s key is out of standing',
  TOO_LARGE: 'Not done: over a limit',
  TEAM_CLOSED: 'Not recorded: this team’s ledger is no longer open in this tab',
  NOT_IN_INBOX: 'Not done: this bundle is no longer in this device’s Inbox',
};

const DONE: Record<string, string> = {
  attested: 'Attestation recorded',
  'dry-run': 'Dry run: this is what would change (nothing was written)',
  applied: 'Applied, all files at once',
  'already-applied': 'Already applied here: nothing changed',
  'rolled-back': 'Rolled back: the files are as they were before the patch',
};

/**
 * The files an action changed and where each hunk went. An apply may change up to 10,000 files:
 * hunks are grouped by path once, and the list is shown a page at a time (ItemList's sizes).
 */
function ChangedFiles(props: { files: readonly FileRow[]; hunks: readonly HunkRow[] }) {
  const [shown, setShown] = createSignal(FIRST_ITEMS);
  const byPath = createMemo(() => {
    const groups = new Map<string, HunkRow[]>();
    for (const hunk of props.hunks) {
      const group = groups.get(hunk.path);
      if (group === undefined) groups.set(hunk.path, [hunk]);
      else group.push(hunk);
    }
    return groups;
  });
  const more = () => moreItems(shown(), props.files.length);
  return (
    <>
      <ul class="plain-list small" data-testid="act-files">
        <For each={props.files.slice(0, shown())}>
          {(file) => (
            <li>
              <code>{file.path}</code> — {file.kind}
              <Show when={file.from}>
                {(from) => (
                  <>
                    {' '}
                    from <code>{from()}</code>
                  </>
                )}
              </Show>
              <ul class="act-hunks">
                <For each={byPath().get(file.path) ?? []}>
                  {(hunk) => (
                    <li data-testid="act-hunk">
                      hunk {hunk.hunk} at line {hunk.line}
                      {hunk.offset === 0
                        ? ', where the diff said'
                        : `, offset ${hunk.offset > 0 ? '+' : ''}${hunk.offset}`}
                      {hunk.fuzz > 0 ? `, fuzz ${hunk.fuzz}` : ''}
                    </li>
                  )}
                </For>
              </ul>
            </li>
          )}
        </For>
      </ul>
      <Show when={props.files.length > shown()}>
        <button type="button" class="button button-quiet" onClick={() => setShown(more().next)}>
          {more().words}
        </button>
      </Show>
    </>
  );
}

/** "recorded …" as a sentence: capital first, full stop last. */
const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

export function ActResult(props: { outcome: ActOutcome }) {
  return (
    <Show
      when={props.outcome.ok ? props.outcome : undefined}
      fallback={
        <div class="notice notice-denied" data-testid="act-error">
          <p>
            <strong>{NOT_DONE[(props.outcome as { code: string }).code] ?? 'Not done'}.</strong>{' '}
            {NEXT[(props.outcome as { code: string }).code] ?? NEXT.FAILED}
          </p>
          <p class="small">
            <code class="code">{(props.outcome as { code: string }).code}</code>{' '}
            <span class="prose">{(props.outcome as { message: string }).message}</span>
          </p>
          <Show when={props.outcome.entry}>
            {(entry) => (
              <p class="small">
                This attempt is recorded on the ledger as refused, entry{' '}
                <code class="digest">{entry()}</code>.
              </p>
            )}
          </Show>
        </div>
      }
    >
      {(done) => (
        <div class="notice" data-testid="act-result" data-status={done().status}>
          <p>
            <strong>{DONE[done().status] ?? done().status}.</strong>
            <Show when={done().status === 'attested'}>
              {' '}
              <span class="prose">{sentence(done().message)}</span>
            </Show>
          </p>
          <Show when={done().files.length > 0}>
            <ChangedFiles files={done().files} hunks={done().hunks} />
          </Show>
          <Show when={done().treeBefore}>
            <p class="small">
              Tree before <code class="digest">{done().treeBefore}</code>, after{' '}
              <code class="digest" data-testid="act-tree-after">
                {done().treeAfter}
              </code>
            </p>
          </Show>
          <Show when={done().entry}>
            {(entry) => (
              <p class="small">
                Recorded on the ledger as{' '}
                <code class="digest" data-testid="act-entry">
                  {entry()}
                </code>
                .
              </p>
            )}
          </Show>
        </div>
      )}
    </Show>
  );
}
