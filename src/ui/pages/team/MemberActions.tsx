/** An admin's actions on a member: endorse a role with a stake, or revoke the device. */
import { createEffect, createSignal, For, Show } from 'solid-js';
import type { OpenTeam } from '../../../app/ledger-session.ts';
import type { MemberRow } from '../../../app/ledger-rows.ts';
import { ActionDialog } from '../../components/ActionDialog.tsx';
import { formatCount, inlineName, ledgerTime } from '../../components/format.ts';

/** Roles the ledger's policies and the reputation engine already speak of. */
/** Suggested roles; any role name the ledger accepts may be typed (a policy may name its own). */
const ROLES = [
  'developer',
  'reviewer',
  'builder',
  'tester',
  'witness',
  'assessor',
  'kiosk',
  'security',
];

export function EndorseDialog(props: {
  team: OpenTeam;
  member: MemberRow;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const [role, setRole] = createSignal('reviewer');
  const [stake, setStake] = createSignal(10);
  const threshold = () =>
    props.team.threshold > 1
      ? ` It takes effect once ${formatCount(props.team.threshold)} admins have endorsed the same.`
      : '';
  return (
    <ActionDialog
      open={props.open}
      onOpenChange={props.onOpenChange}
      title={`Endorse ${inlineName(props.member.name)}`}
      description={`Signed by this device into the team ledger: ${inlineName(props.member.name)} may act in this role, with this stake in its reputation.${threshold()}`}
      submitLabel="Endorse"
      onSubmit={async () => {
        const done = await props.team.endorse(props.member.did, role(), stake());
        return done.ok ? undefined : `${done.message} (${done.code})`;
      }}
    >
      <label for="endorse-role">Role</label>
      <input
        id="endorse-role"
        list="endorse-roles"
        required
        autocomplete="off"
        value={role()}
        onInput={(e) => setRole(e.currentTarget.value.trim())}
      />
      <datalist id="endorse-roles">
        <For each={ROLES}>{(name) => <option value={name} />}</For>
      </datalist>
      <label for="endorse-stake">Stake</label>
      <input
        id="endorse-stake"
        type="number"
        min="0"
        max="1000000"
        step="1"
        aria-describedby="endorse-stake-hint"
        value={stake()}
        onInput={(e) => setStake(Math.max(0, Math.trunc(Number(e.currentTarget.value) || 0)))}
      />
      <p id="endorse-stake-hint" class="muted small">
        {stake() === 0
          ? 'A stake of 0 withdraws this role: it no longer counts for the policy.'
          : 'The role counts for the policy while its stake is above 0.'}
      </p>
    </ActionDialog>
  );
}

export function RevokeDialog(props: {
  team: OpenTeam;
  member: MemberRow;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const [reason, setReason] = createSignal('');
  const head = () => props.team.ledger.head(props.member.did);
  const next = () => (head()?.seq ?? -1) + 1;
  // Untouched, the revocation starts at the entry after the device's newest when it is signed
  // (an entry arriving while the dialog is open is its newest then); each opening starts so.
  const [from, setFrom] = createSignal<number>();
  createEffect(() => {
    if (props.open) setFrom(undefined);
  });
  const chosen = () => Math.min(from() ?? next(), next());
  return (
    <ActionDialog
      open={props.open}
      onOpenChange={props.onOpenChange}
      title={`Revoke ${inlineName(props.member.name)}`}
      description="From the entry chosen below on, nothing this device signs counts in this team; what it signed before stays. Use it for a lost or compromised device. It keeps the room’s secret, so it can still read what the team syncs: to shut it out, start a new team and invite the others again."
      submitLabel="Revoke"
      danger
      onSubmit={async () => {
        const at = from() === undefined ? undefined : chosen();
        const done = await props.team.revoke(props.member.did, reason().trim(), at);
        return done.ok ? undefined : `${done.message} (${done.code})`;
      }}
    >
      <label for="revoke-from">From its entry number</label>
      <input
        id="revoke-from"
        type="number"
        min="0"
        max={next()}
        step="1"
        aria-describedby="revoke-from-hint"
        value={chosen()}
        onInput={(e) => setFrom(Math.max(0, Math.trunc(Number(e.currentTarget.value) || 0)))}
      />
      <p id="revoke-from-hint" class="muted small" data-testid="revoke-from-hint">
        <Show when={head()} fallback="It has signed nothing yet: 0 is its next entry.">
          {(last) =>
            `Its entries are numbered 0 to ${last().seq}, the newest from ${ledgerTime(last().time)}; ${next()} is its next. For a stolen key, choose the first entry the thief signed: that one and every later one stop counting.`
          }
        </Show>
      </p>
      <label for="revoke-reason">Reason (recorded in the ledger)</label>
      <input
        id="revoke-reason"
        required
        maxLength={200}
        placeholder="e.g. laptop lost on 3 March"
        value={reason()}
        onInput={(e) => setReason(e.currentTarget.value)}
      />
    </ActionDialog>
  );
}
