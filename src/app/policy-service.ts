/**
 * The Policy screen's service: for the open team, the policy situation (re-read when the
 * ledger changes), the draft being edited with its check, who may publish, and the two
 * actions, simulate and publish. The Policy page builds it (`createPolicyService`) and hands
 * it to its parts through PolicyContext: it loads with the page's chunk, so the policy engine
 * stays out of the first screen's JavaScript. Drafts are kept per team for as long as the app
 * runs, so leaving the screen and coming back keeps the edit.
 */
import {
  createMemo,
  createResource,
  createRoot,
  createSignal,
  onCleanup,
  type Accessor,
} from 'solid-js';
import type { AppServices } from './context.ts';
import type { OpenTeam } from './ledger-session.ts';
import { createDraftCheck, type DraftCheck } from './policy-check.ts';
import { createPolicyDraft, type PolicyDraft } from './policy-draft.ts';
import { progressText, publishPolicy, type PublishOutcome } from './policy-publish.ts';
import { runSimulation, type SimulationState } from './policy-runs.ts';
import {
  publishRight,
  readPolicyStanding,
  type PolicyStanding,
  type PolicyVersion,
  type PublishRight,
} from './policy-standing.ts';
import { nextVersionOf, readable, starterPolicy } from './policy-templates.ts';
import { inPhase } from './team.ts';

export type { SimulationState };
export { progressText };

export type PublishState =
  { kind: 'idle' } | { kind: 'publishing' } | { kind: 'done'; outcome: PublishOutcome };

export interface PolicyService {
  readonly team: Accessor<OpenTeam | undefined>;
  /** Undefined until the ledger has been read once. */
  readonly standing: Accessor<PolicyStanding | undefined>;
  /** Why the ledger's policies could not be read, if they could not. */
  readonly failure: Accessor<string | undefined>;
  readonly draft: Accessor<PolicyDraft | undefined>;
  readonly check: Accessor<DraftCheck | undefined>;
  readonly right: Accessor<PublishRight | undefined>;
  readonly simulation: Accessor<SimulationState>;
  simulate(): Promise<void>;
  readonly publishing: Accessor<PublishState>;
  /** The policy in force counts a new policy only when signed with an admin's passkey. */
  readonly passkeyNeeded: Accessor<boolean>;
  publish(): Promise<void>;
  /** Replaces the draft: a version from the ledger as it is, or a fresh start. */
  load(from: PolicyVersion | 'next' | 'starter'): void;
}

/** Drafts by ledger id, in a root of their own: they outlive the page that made them. */
const drafts = new Map<string, PolicyDraft>();
function draftOf(ledgerId: string, initial: () => unknown): PolicyDraft {
  let draft = drafts.get(ledgerId);
  if (draft === undefined) {
    draft = createRoot(() => createPolicyDraft(initial()));
    drafts.set(ledgerId, draft);
  }
  return draft;
}

function initialDraft(teamName: string, standing: PolicyStanding): unknown {
  const current = standing.current?.document;
  return current === undefined ? starterPolicy(teamName) : nextVersionOf(current);
}

/**
 * What a load puts in the draft. A pending version as it is (another admin's signature on the
 * same text counts towards it); the template, and a copy of the version in force or of a
 * superseded one, numbered after the version in force: at or below it they could never take
 * effect.
 */
export function loadedDraft(
  from: PolicyVersion | 'next' | 'starter',
  teamName: string,
  standing: PolicyStanding,
): unknown {
  const next = (standing.current?.version ?? 0) + 1;
  if (from === 'next') return initialDraft(teamName, standing);
  if (from === 'starter') return { ...starterPolicy(teamName), version: next };
  if (from.document === undefined) return undefined;
  const copy = readable(from.document);
  return from.state === 'pending' ? copy : { ...(copy as object), version: next };
}

/** Call inside a component (the Policy page): runs stop when it unmounts. */
export function createPolicyService(services: AppServices): PolicyService {
  const { teams, device, bundles, passkeys } = services;
  const team = createMemo(() => inPhase(teams.phase(), 'open')?.team);
  const [read] = createResource(
    () => {
      const open = team();
      return open === undefined ? undefined : { open, revision: open.revision() };
    },
    async ({ open }): Promise<PolicyStanding | { ledgerId: string; failed: string }> => {
      try {
        return await readPolicyStanding(open.ledger);
      } catch (error) {
        console.error('patchtrail: could not read the policy in force', error);
        const failed = error instanceof Error ? error.message : String(error);
        return { ledgerId: open.ledgerId, failed };
      }
    },
  );
  const reading = createMemo(() => {
    const value = read.latest;
    const open = team();
    return open !== undefined && value?.ledgerId === open.ledgerId ? value : undefined;
  });
  // The latest reading of the team now open (not another team's, while a new one is read).
  const standing = createMemo(() => {
    const value = reading();
    return value === undefined || 'failed' in value ? undefined : value;
  });
  const failure = createMemo(() => {
    const value = reading();
    return value !== undefined && 'failed' in value ? value.failed : undefined;
  });
  const draft = createMemo(() => {
    const open = team();
    const now = standing();
    if (open === undefined || now === undefined) return undefined;
    return draftOf(open.ledgerId, () => initialDraft(open.name, now));
  });
  const check = createDraftCheck(draft, () => standing()?.facts);
  const right = createMemo(() => {
    const open = team();
    if (open === undefined) return undefined;
    open.revision();
    return publishRight(open.ledger, device.key()?.did);
  });

  const [simulation, setSimulation] = createSignal<SimulationState>({ kind: 'idle' });
  let run = 0;
  onCleanup(() => void run++);
  const [publishing, setPublishing] = createSignal<PublishState>({ kind: 'idle' });

  return {
    team,
    standing,
    failure,
    draft,
    check,
    right,
    simulation,
    async simulate() {
      const open = team();
      const now = standing();
      const valid = (() => {
        const c = check();
        return c?.kind === 'checked' ? c.valid : undefined;
      })();
      if (open === undefined || now === undefined || valid === undefined) return;
      const mine = ++run;
      await runSimulation(
        { team: open, standing: now, valid, device: device.key()?.did, bundles },
        { set: setSimulation, cancelled: () => mine !== run },
      );
    },
    publishing,
    passkeyNeeded: () => standing()?.effective.compiled?.passkeyFor.has('policy') === true,
    async publish() {
      const open = team();
      const key = device.key();
      const c = check();
      if (open === undefined || key === undefined || c?.kind !== 'checked' || !c.valid) return;
      setPublishing({ kind: 'publishing' });
      // Asked only when the policy in force needs it (publishPolicy decides).
      const passkey =
        passkeys.mine().length > 0
          ? (challenge: Uint8Array) => passkeys.assertPasskey(key.did, challenge)
          : undefined;
      const outcome = await publishPolicy(open, key, c.valid.document, new Date(), passkey);
      setPublishing({ kind: 'done', outcome });
    },
    load(from) {
      const open = team();
      const now = standing();
      const current = draft();
      if (open === undefined || now === undefined || current === undefined) return;
      const value = loadedDraft(from, open.name, now);
      if (value !== undefined) current.load(value);
      setPublishing({ kind: 'idle' });
    },
  };
}
