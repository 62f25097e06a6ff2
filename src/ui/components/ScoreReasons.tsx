/**
 * The reputation engine's explanation of a score as a list, plain words first: how much came
 * from pre-trust and from whom the rest flowed, what held it back (posture, penalties, hard
 * evidence), and credit still waiting. Shared by the lineage graph and the Reputation screen.
 */
import { For, Show } from 'solid-js';
import type { ScoreExplanation } from '../../core/reputation/types.ts';
import { counted, inlineName, percentOf } from './format.ts';

export function ScoreReasons(props: { why: ScoreExplanation; nameOf: (did: string) => string }) {
  const e = () => props.why;
  return (
    <ul class="plain-list small">
      <li>
        From pre-trust (admins and stake): {percentOf(e().pretrust.ppb)}; from other systems that
        vouched for its work: {percentOf(e().fromOthers)} (
        {e().trustedBy === 0 ? 'none yet' : counted(e().trustedBy, 'system', 'systems')}
        {/* A system whose own trust is nothing vouches for nothing: counted, not listed below. */}
        {e().trustedBy > e().givingTrust
          ? `, of which ${e().trustedBy - e().givingTrust} gave nothing that counts`
          : ''}
        ).
      </li>
      <For each={e().contributors}>
        {(c) => (
          <li data-testid="score-contributor">
            {inlineName(props.nameOf(c.did)) || 'an unnamed system'} gave {percentOf(c.ppb)}
          </li>
        )}
      </For>
      <Show when={e().zeroed}>
        <li>Hard evidence against it: its score is zero and its vouching counts for nothing.</li>
      </Show>
      <Show when={!e().zeroed && e().multiplier < 1024}>
        <li>
          Only {Math.round((e().multiplier / 1024) * 100)}% of the trust given to it counts (posture
          reports or penalties).
        </li>
      </Show>
      <Show when={e().pending.length > 0}>
        <li>
          {counted(e().pending.length, 'attestation', 'attestations')} will credit it once{' '}
          {e().pending.length === 1 ? 'its' : 'their'} evidence window closes.
        </li>
      </Show>
    </ul>
  );
}
