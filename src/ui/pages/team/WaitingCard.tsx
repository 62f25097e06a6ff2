/** A joined team whose ledger has not arrived yet: say so, and offer the file route meanwhile. */
import type { Membership } from '../../../app/team.ts';
import { LedgerFileImport } from '../../components/LedgerFileImport.tsx';

export function WaitingCard(props: { membership: Membership }) {
  return (
    <section class="panel stack" data-testid="waiting" aria-labelledby="waiting-title">
      <h2 id="waiting-title">
        Joined {props.membership.name === '' ? 'a team' : `“${props.membership.name}”`}, waiting for
        the first sync
      </h2>
      <p>
        This device has signed its request to join and will send it when it first reaches a
        teammate. It cannot check anything about the team until the team’s ledger arrives: the first
        sync brings it.
      </p>
      <p class="muted">
        No connection yet? A teammate can export the team’s ledger as a file (Ledger page); import
        it here. Every entry in it is checked before it counts.
      </p>
      <LedgerFileImport label="Import the team’s ledger file…" />
    </section>
  );
}
