/**
 * The ledger explorer: every entry (kind, author, time, standing), searchable and filtered;
 * the quarantine with reasons; equivocations; checkpoints and cosignatures; and the ledger as
 * a file (export, import) for moving it between devices without a network.
 */
import { CutShortImports } from '../../components/CutShortImports.tsx';
import { Tabs } from '@kobalte/core/tabs';
import { useServices } from '../../../app/context.ts';
import { TeamGate } from '../../components/TeamGate.tsx';
import { formatCount } from '../../components/format.ts';
import { downloadFile, teamFileName } from '../../components/download.ts';
import type { OpenTeam } from '../../../app/ledger-session.ts';
import { LedgerFileImport } from '../../components/LedgerFileImport.tsx';
import { CheckpointList, EquivocationList, QuarantineList } from './AuditLists.tsx';
import { EntryList } from './EntryList.tsx';
import './ledger.css';

function exportFile(team: OpenTeam): void {
  downloadFile(team.exportFile(), teamFileName(team.name));
}

function Explorer(props: { team: OpenTeam }) {
  return (
    <>
      <Tabs class="tabs" defaultValue="entries">
        <Tabs.List class="tab-list" aria-label="Ledger views">
          <Tabs.Trigger class="tab" value="entries">
            Entries ({formatCount(props.team.entries().length)})
          </Tabs.Trigger>
          <Tabs.Trigger class="tab" value="quarantine">
            Quarantine
          </Tabs.Trigger>
          <Tabs.Trigger class="tab" value="equivocations">
            Equivocations ({formatCount(props.team.equivocations().length)})
          </Tabs.Trigger>
          <Tabs.Trigger class="tab" value="checkpoints">
            Checkpoints ({formatCount(props.team.checkpoints().length)})
          </Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content class="tab-panel" value="entries">
          <EntryList team={props.team} />
        </Tabs.Content>
        <Tabs.Content class="tab-panel" value="quarantine">
          <QuarantineList team={props.team} />
        </Tabs.Content>
        <Tabs.Content class="tab-panel" value="equivocations">
          <EquivocationList team={props.team} />
        </Tabs.Content>
        <Tabs.Content class="tab-panel" value="checkpoints">
          <CheckpointList team={props.team} />
        </Tabs.Content>
      </Tabs>
      <section class="panel stack" aria-labelledby="file-title">
        <h2 id="file-title">Ledger file</h2>
        <p class="muted">
          The same format the command line reads and writes (one entry per line). Import checks
          every entry before it counts.
        </p>
        <div class="form-row form-row-top">
          <button type="button" class="button button-quiet" onClick={() => exportFile(props.team)}>
            Export the ledger file
          </button>
          <LedgerFileImport />
        </div>
      </section>
    </>
  );
}

export default function LedgerPage() {
  const { teams } = useServices();
  return (
    <section class="page" aria-labelledby="ledger-title">
      <h1 id="ledger-title" class="page-title">
        Ledger
      </h1>
      <CutShortImports />
      <TeamGate teams={teams} waiting={<LedgerFileImport label="Import the team’s ledger file…" />}>
        {(team) => <Explorer team={team()} />}
      </TeamGate>
    </section>
  );
}
