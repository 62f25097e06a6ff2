/**
 * Patch detail: which patch it is (its reason's first line, small), then the verdict (plain
 * words, rules, codes), what this device can do with the patch (Act), the signed metadata, the
 * signatures against the ledger's identities, the lineage graph (who built, checked, forwarded
 * and applied it), the diff, and removing the bundle from this device.
 */
import { A, useParams } from '@solidjs/router';
import { Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { counted, firstLine, formatAgo, inlineName } from '../../components/format.ts';
import { ActPanel } from './ActPanel.tsx';
import { BundleView } from './BundleView.tsx';
import { ClaimsView } from './ClaimsView.tsx';
import { DiffViewer } from './DiffViewer.tsx';
import { LineageGraph } from './LineageGraph.tsx';
import { RemoveFromInbox } from './RemoveFromInbox.tsx';
import { SignatureCards } from './SignatureCards.tsx';
import { VerdictPanel } from './VerdictPanel.tsx';
import './patch.css';
import './diff.css';
import { UnfinishedNotices } from '../../components/UnfinishedNotices.tsx';

/** How old the evidence is, when this device is not in touch with its peers. */
function useEvidenceAge() {
  const { sync, workflow } = useServices();
  return () => {
    const state = sync.state();
    if (state.kind === 'connected' || state.kind === 'no-team') return undefined;
    const newest = workflow.newestEntry();
    if (newest === '') return undefined;
    return `Not connected to the team: the newest entry from a teammate is from ${formatAgo(newest, Date.now())}.`;
  };
}

/** The page's title: the first line of the patch's reason, else the bundle's file name. */
function patchTitle(reason: string | undefined, fileName: string): string {
  return firstLine(reason ?? '') || fileName;
}

export default function PatchPage() {
  const { inbox, workflow } = useServices();
  const params = useParams<{ key: string }>();
  const key = () => decodeURIComponent(params.key);
  const item = () => inbox.find(key());
  const verdict = () => workflow.verdict(key());
  const evidence = useEvidenceAge();
  /** One short sentence for screen readers; the full result is not read out on every change. */
  const announcement = () => {
    const check = item()?.check;
    if (check === undefined) return '';
    const words = verdict()?.headline ?? `${check.verdict}`;
    const code = check.problem === undefined ? '' : ` (${check.problem.code})`;
    return `${check.fileName}: ${words}${code}`;
  };
  return (
    <section class="page" aria-label="Patch detail">
      <p class="back">
        <A href="/inbox">← Inbox</A>
      </p>
      <p class="visually-hidden" role="status">
        {announcement()}
      </p>
      <Show
        when={item()}
        fallback={
          <div class="notice" data-testid="patch-missing">
            {inbox.loaded()
              ? 'This patch is not in this device’s Inbox. '
              : 'Opening the Inbox kept on this device… '}
            <A href="/inbox">Open the bundle file</A>.
          </div>
        }
      >
        {(found) => (
          <div class="result">
            <h1 class="patch-title clamp-2" data-testid="patch-title">
              {patchTitle(found().check.report?.predicate.reason_for_patch, found().fileName)}
            </h1>
            <Show when={found().copy}>
              {(copy) => (
                <p class="notice" role="status" data-testid="patch-copy">
                  {copy().added === 0
                    ? `This patch was already in the Inbox, as ${inlineName(copy().fileName)}: this copy carries no signature it lacked.`
                    : `This patch was already in the Inbox, as ${inlineName(copy().fileName)}: this copy’s ${counted(copy().added, 'signature', 'signatures')} it lacked ${copy().added === 1 ? 'was' : 'were'} added to it.`}
                </p>
              )}
            </Show>
            <VerdictPanel check={found().check} verdict={verdict()} evidence={evidence()} />
            <UnfinishedNotices patchKey={found().key} />
            {/* Keyed by the patch: a target, a note or a result never carries over to another. */}
            <Show when={found().key} keyed>
              {(patchKey) => (
                <Show when={found().check.report !== undefined && verdict()}>
                  {(judged) => <ActPanel patchKey={patchKey} verdict={judged()} />}
                </Show>
              )}
            </Show>
            <Show when={found().check.report}>
              {(report) => <BundleView report={report()} signers={verdict()?.signers ?? []} />}
            </Show>
            <Show when={found().check.claims}>{(claims) => <ClaimsView claims={claims()} />}</Show>
            <Show when={verdict()?.signers.length}>
              <SignatureCards rows={verdict()?.signers ?? []} />
            </Show>
            <Show when={found().check.report !== undefined && found().key} keyed>
              {(patchKey) => <LineageGraph patchKey={patchKey} />}
            </Show>
            <Show when={found().check.report}>
              {(report) => <DiffViewer diff={report().predicate} />}
            </Show>
            <RemoveFromInbox item={found()} />
          </div>
        )}
      </Show>
    </section>
  );
}
