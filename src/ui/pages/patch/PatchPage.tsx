/** Patch detail: the verdict first, then the patch, its signatures and the diff. */
import { A, useParams } from '@solidjs/router';
import { Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { CheckResult } from './CheckResult.tsx';
import './patch.css';

export default function PatchPage() {
  const { inbox } = useServices();
  const params = useParams<{ key: string }>();
  const item = () => inbox.find(decodeURIComponent(params.key));
  /** One short sentence for screen readers; the full result is not read out on every change. */
  const announcement = () => {
    const check = item()?.check;
    if (check === undefined) return '';
    const code = check.problem === undefined ? '' : ` (${check.problem.code})`;
    return `${check.fileName}: ${check.verdict}${code}`;
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
          <div class="notice">
            This patch is not in this device’s Inbox (the Inbox keeps what was opened since the page
            loaded). <A href="/inbox">Open the bundle file again</A>.
          </div>
        }
      >
        {(found) => (
          <div class="result">
            <CheckResult check={found().check} />
          </div>
        )}
      </Show>
    </section>
  );
}
