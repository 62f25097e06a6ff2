/** Everything shown for one checked file, top to bottom: verdict, patch, signatures, diff. */
import { Show } from 'solid-js';
import { patchDiffBytes } from '../../../core/bundle/diff-encoding.ts';
import type { BundleCheck } from '../../../app/check.ts';
import { BundleView } from './BundleView.tsx';
import { ClaimsView } from './ClaimsView.tsx';
import { DiffView } from './DiffView.tsx';
import { SignatureList } from './SignatureList.tsx';
import { VerdictBanner } from './VerdictBanner.tsx';

export function CheckResult(props: { check: BundleCheck }) {
  return (
    <>
      <VerdictBanner check={props.check} />
      <Show when={props.check.report}>{(report) => <BundleView report={report()} />}</Show>
      <Show when={props.check.claims}>{(claims) => <ClaimsView claims={claims()} />}</Show>
      <Show when={props.check.signatures.length > 0}>
        <SignatureList rows={props.check.signatures} />
      </Show>
      <Show when={props.check.report}>
        {(report) => <DiffView diff={patchDiffBytes(report().predicate)} />}
      </Show>
    </>
  );
}
