/**
 * What pressing "Proof pack" came to, shown in the row whose button was pressed and scrolled
 * into view: shown above the list, it appeared a screen or more away from a phone's thumb.
 */
import { Show } from 'solid-js';
import type { ProofPackOutcome } from '../../../app/audit.ts';
import { counted } from '../../components/format.ts';
import { proofRefusalWords } from './proof-words.ts';

/** Brings the answer into view (under the phone's top and bottom bars: base.css's padding). */
const reveal = (element: HTMLElement) =>
  requestAnimationFrame(() => element.scrollIntoView({ block: 'nearest' }));

function Refused(props: { code: string; message: string }) {
  const words = () => proofRefusalWords(props.code, props.message);
  return (
    <div
      class="notice notice-denied stack-tight"
      role="alert"
      data-testid="proof-error"
      ref={reveal}
    >
      <p>
        <strong>{words().what}</strong> {words().next}
      </p>
      <p class="small muted">
        <code class="code">{props.code}</code> {props.message}
      </p>
    </div>
  );
}

export function ProofResult(props: { outcome: ProofPackOutcome }) {
  return (
    <Show
      when={props.outcome.ok ? props.outcome : undefined}
      fallback={<Refused {...(props.outcome as { code: string; message: string })} />}
    >
      {(made) => (
        <p class="notice" role="status" data-testid="proof-done" ref={reveal}>
          Proof pack saved as <code>{made().fileName}</code>:{' '}
          {counted(made().entries, 'entry', 'entries')}
          {made().omitted > 0
            ? `; ${counted(made().omitted, 'newer entry is', 'newer entries are')} not covered yet`
            : ''}
          .
        </p>
      )}
    </Show>
  );
}
