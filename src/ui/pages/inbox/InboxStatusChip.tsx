/** A bundle's status at a glance, in words (the colour only repeats them). */
import type { InboxStatus } from '../../../app/workflow.ts';

const LABELS: Record<InboxStatus, string> = {
  allowed: 'Allowed here',
  denied: 'Do not apply',
  'needs-review': 'Needs review',
  applied: 'Applied',
  'rolled-back': 'Rolled back',
  untrusted: 'Not trusted',
  // Which refusal (a signature that does not match may be a forgery) is said beside it.
  invalid: 'Do not apply',
  'no-team': 'Signed, no team to judge it',
  checking: 'Checking…',
};

const TONES: Record<InboxStatus, string> = {
  allowed: 'allowed',
  denied: 'denied',
  'needs-review': 'review',
  applied: 'neutral',
  'rolled-back': 'neutral',
  untrusted: 'neutral',
  invalid: 'denied',
  'no-team': 'neutral',
  checking: 'neutral',
};

export function InboxStatusChip(props: { status: InboxStatus; testid?: string }) {
  return (
    <span
      class={`chip chip-${TONES[props.status]}`}
      data-testid={props.testid ?? 'inbox-status'}
      data-status={props.status}
    >
      {LABELS[props.status]}
    </span>
  );
}
