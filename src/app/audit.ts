/**
 * The Audit screen's service: the ledger's applies, rollbacks and refusals as rows
 * (audit-rows.ts), recomputed when the ledger moves, and a proof pack for a patch as
 * `patchtrail ledger prove` makes it (core/ledger/proof-pack.ts: the patch's entries with
 * their inclusion proofs and a checkpoint that covers them). The row code and the proof-pack
 * code load lazily, with the screen.
 */
import { createEffect, createSignal, type Accessor } from 'solid-js';
import { isPatchtrailError } from '../core/errors.ts';
import type * as AuditRows from './audit-rows.ts';
import type { AuditRow } from './audit-rows.ts';
import type { DeviceService } from './device.ts';
import type { TeamService } from './team.ts';

export type { AuditFilter, AuditOutcome, AuditRow } from './audit-rows.ts';

export type AuditState =
  { kind: 'loading' } | { kind: 'no-team' } | { kind: 'ready'; rows: AuditRow[] };

export type ProofPackOutcome =
  | { ok: true; text: string; fileName: string; entries: number; omitted: number }
  | { ok: false; code: string; message: string };

export interface AuditService {
  /** Call inside a component: the rows, kept current while it lives. */
  createAuditRows(): Accessor<AuditState>;
  proofPack(patch: string): Promise<ProofPackOutcome>;
  /** The pure row helpers (filters, CSV, JSON), loaded with the screen. */
  helpers(): Promise<typeof AuditRows>;
}

const rowsCode = () => import('./audit-rows.ts');

export function makeAudit(teams: TeamService, device: DeviceService): AuditService {
  const openLedger = () => {
    const phase = teams.phase();
    return phase.kind === 'open' ? phase.team : undefined;
  };
  return {
    helpers: rowsCode,
    createAuditRows() {
      const [state, setState] = createSignal<AuditState>({ kind: 'loading' });
      let ticket = 0;
      createEffect(() => {
        const team = openLedger();
        team?.revision();
        const did = device.key()?.did;
        const mine = ++ticket;
        if (team === undefined) return void setState({ kind: 'no-team' });
        void rowsCode().then(({ auditRows }) => {
          if (mine === ticket) setState({ kind: 'ready', rows: auditRows(team.ledger, did) });
        });
      });
      return state;
    },
    async proofPack(patch) {
      const team = openLedger();
      if (team === undefined)
        return { ok: false, code: 'FAILED', message: 'open or join a team first' };
      try {
        const { makeProofPack, serializeProofPack } = await import('../core/ledger/proof-pack.ts');
        const made = await makeProofPack(team.ledger, patch);
        const fileName = `${patch.replace(/^sha256:/, '').slice(0, 16)}.proof.json`;
        const text = serializeProofPack(made.pack);
        return {
          ok: true,
          text,
          fileName,
          entries: made.pack.entries.length,
          omitted: made.omitted,
        };
      } catch (error) {
        if (isPatchtrailError(error))
          return { ok: false, code: error.code, message: error.message };
        return {
          ok: false,
          code: 'FAILED',
          message: error instanceof Error ? error.message : `${error}`,
        };
      }
    },
  };
}
