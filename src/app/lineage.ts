/**
 * The lineage graph for the Patch detail: the ledger's provenance of the patch and the bundle's
 * signatures (lineage-graph.ts), each system with its reputation and the engine's explanation.
 * Scores come from the Reputation service (reputation-service.ts): once per ledger revision,
 * shared with the Reputation screen and every patch shown, read off the ledger in a pool worker
 * when it is large (at 30k entries `reputationInputs` held the page for 400 ms here).
 */
import { createEffect, createSignal, type Accessor } from 'solid-js';
import type { Ledger } from '../core/ledger/ledger.ts';
import type { DeviceService } from './device.ts';
import type { LineageGraph } from './lineage-graph.ts';
import type { TeamService } from './team.ts';
import type { ReputationService } from './reputation-service.ts';
import type { WorkflowService } from './workflow.ts';

export type { Band, LineageAct, LineageEdge, LineageGraph, LineageNode } from './lineage-graph.ts';
export type { Stage } from './lineage-graph.ts';

export type LineageState =
  | { kind: 'loading' }
  | { kind: 'no-team' }
  | { kind: 'ready'; graph: LineageGraph }
  | { kind: 'failed'; message: string };

export interface LineageService {
  /** Call inside a component: the lineage of an Inbox patch, redrawn when the ledger moves. */
  createLineage(key: Accessor<string>): Accessor<LineageState>;
}

const code = () => Promise.all([import('../core/ledger/queries.ts'), import('./lineage-graph.ts')]);

export function makeLineage(
  teams: TeamService,
  workflow: WorkflowService,
  device: DeviceService,
  reputation: Pick<ReputationService, 'explained'>,
): LineageService {
  async function graphOf(ledger: Ledger, revision: number, patch: string): Promise<LineageState> {
    const [[{ provenance }, { buildLineage }], scored] = await Promise.all([
      code(),
      reputation.explained(ledger, revision),
    ]);
    const registry = ledger.registry().identities;
    const facts = (did: string) => {
      const known = registry.get(did);
      const scorePpb = scored.scores.get(did);
      const explanation = scorePpb === undefined ? undefined : scored.explain(did);
      return {
        name: known?.name ?? '',
        malicious: known?.malicious ?? false,
        ...(scorePpb === undefined ? {} : { scorePpb }),
        ...(explanation === undefined ? {} : { explanation }),
      };
    };
    const graph = buildLineage({
      provenance: provenance(ledger, patch),
      signers: workflow.verdict(patch)?.signers ?? [],
      deviceDid: device.key()?.did,
      facts,
      penalties: scored.penalties,
      systems: scored.systems,
    });
    return { kind: 'ready', graph };
  }

  return {
    createLineage(key) {
      const source = () => {
        const phase = teams.phase();
        if (phase.kind !== 'open') return { team: undefined, key: key() };
        const revision = phase.team.revision();
        workflow.verdict(key());
        return { team: phase.team, revision, key: key(), did: device.key()?.did };
      };
      // A signal, not a resource: a resource read under the router's transition would hold
      // the whole page back until the scores are in (and again each time the ledger moves).
      const [state, setState] = createSignal<LineageState>({ kind: 'loading' });
      let ticket = 0;
      createEffect(() => {
        const { team, revision, key: patch } = source();
        const mine = ++ticket;
        const done = (next: LineageState) => void (mine === ticket && setState(next));
        if (team === undefined) return done({ kind: 'no-team' });
        graphOf(team.ledger, revision ?? 0, patch).then(done, (error: unknown) =>
          done({ kind: 'failed', message: error instanceof Error ? error.message : `${error}` }),
        );
      });
      return state;
    },
  };
}
