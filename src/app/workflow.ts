/**
 * The patch workflow for the screens: for every bundle in the Inbox, the verdict of the policy
 * in force on this device (patch-verdict.ts), recomputed when the ledger, the Inbox or this
 * device changes; the patches the ledger knows whose bundle is not here; and the actions —
 * attest, dry-run, apply, roll back (patch-actions.ts) — on an OPFS workspace or a picked
 * folder (storage/workspaces.ts). The agent, the policy engine and the storage adapters load
 * lazily, with the first verdict, so the first screen stays small.
 */
import { createEffect, createSignal, type Accessor } from 'solid-js';
import type { AgentStep } from '../core/agent/types.ts';
import { isPatchtrailError } from '../core/errors.ts';
import type { DeviceService } from './device.ts';
import type { BusyRegistry } from './busy.ts';
import type { InboxItem, InboxService } from './inbox.ts';
import type { OpenTeam } from './ledger-session.ts';
import type { PublishedPatch } from './ledger-patches.ts';
import type { ActOutcome, AttestChoice, Passkey } from './patch-actions.ts';
import type { PatchVerdict } from './patch-verdict.ts';
import type { TeamService } from './team.ts';
import { notRecorded } from './team-loss.ts';
import {
  makeTargets,
  type OpenedTarget,
  type TargetChoice,
  type TargetService,
} from './targets.ts';
import {
  browserStore,
  pageTab,
  makeUnfinishedStore,
  randomId,
  type TabLiveness,
  type Unfinished,
  type UnfinishedStore,
} from './unfinished.ts';
import type { FillReport, PickedFolder } from './workspace-files.ts';
import type { Tree } from '../core/diff/tree.ts';

export type { ActOutcome, AttestChoice, PatchVerdict, PublishedPatch, TargetChoice };
export type { DeviceEvent, MissingRow, RuleRow, SignerRow } from './patch-verdict.ts';

/** One glance at a bundle in the Inbox. */
export type InboxStatus =
  | PatchVerdict['state']
  | 'applied'
  | 'rolled-back'
  /** Not judged yet (the ledger code is loading, or the team is opening). */
  | 'checking';

export type ActKind = 'attest' | 'dry-run' | 'apply' | 'rollback';

/** What is under way now, for progress: an action on a bundle, or a workspace's files moving. */
export interface Activity {
  /** The bundle's Inbox key ('' for a workspace's files). */
  key: string;
  kind: ActKind | 'fill' | 'download';
  target?: string;
  /** The agent's step under way (an apply, a dry run, a rollback), once it has begun one. */
  step?: AgentStep;
}

/** A workspace's files in and out (workspace-files.ts), one at a time with the actions. */
export interface WorkspaceFiles {
  /** How many files the workspace holds; undefined when it cannot be read. */
  count(name: string): Promise<number | undefined>;
  /** Makes the workspace a copy of `folder`, all or nothing. */
  fill(
    name: string,
    folder: PickedFolder,
    progress?: (done: number, total: number) => void,
  ): Promise<Done<FillReport>>;
  /** The workspace's files as a ZIP archive. */
  zip(name: string, progress?: (done: number, total: number) => void): Promise<Done<Uint8Array>>;
}

export type Done<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** What became of an apply or rollback that was cut short (unfinished.ts), for the screens. */
export interface UnfinishedNotice {
  id: string;
  /** done: settled (recorded, or nothing had changed); waiting: the person must act. */
  tone: 'done' | 'waiting' | 'problem';
  text: string;
  /** The bundle's Inbox key. */
  key: string;
}

/** Where unfinished work is remembered, and which tabs are alive (tests pass their own). */
export interface UnfinishedMemory {
  store: UnfinishedStore;
  tabs: TabLiveness;
}

export interface WorkflowService {
  /** The verdict for an Inbox key (undefined while it is being judged). */
  verdict(key: string): PatchVerdict | undefined;
  status(key: string): InboxStatus;
  /** Patches the ledger knows whose bundle this device does not hold. */
  readonly published: Accessor<PublishedPatch[]>;
  /** Advisory time of the newest ledger entry held here ('' with no team). */
  readonly newestEntry: Accessor<string>;
  readonly activity: Accessor<Activity | undefined>;
  readonly targets: TargetService;
  readonly workspaces: WorkspaceFiles;
  /** Records an attestation; with `passkey`, backed by an assertion over the entry (passkeys.ts). */
  attest(key: string, reason: AttestChoice, note: string, passkey?: Passkey): Promise<ActOutcome>;
  act(key: string, kind: Exclude<ActKind, 'attest'>, target: TargetChoice): Promise<ActOutcome>;
  /** Applies and rollbacks that were cut short, and what became of them. */
  readonly unfinished: Accessor<UnfinishedNotice[]>;
  dismissUnfinished(id: string): void;
}

const verdictCode = () => import('./patch-verdict.ts');
const actionCode = () => import('./patch-actions.ts');
const patchesCode = () => import('./ledger-patches.ts');
const filesCode = () => import('./workspace-files.ts');
const cutShortWords = () => import('./unfinished-words.ts');

function openTeamOf(teams: TeamService): OpenTeam | undefined {
  const phase = teams.phase();
  return phase.kind === 'open' ? phase.team : undefined;
}

const NOT_IN_INBOX =
  'this bundle is no longer in this device’s Inbox (removed, maybe in another tab): open the bundle file again to act on it';

const failed = (code: string, message: string): ActOutcome => ({
  ok: false,
  code,
  message,
  steps: [],
});

/** Call inside a reactive root. */
export function createWorkflow(
  inbox: InboxService,
  teams: TeamService,
  device: DeviceService,
  now: () => Date = () => new Date(),
  /** Applies and rollbacks run as busy work, so a new version never takes over under them. */
  busy?: BusyRegistry,
  memory: UnfinishedMemory = { store: makeUnfinishedStore(browserStore()), tabs: pageTab() },
): WorkflowService {
  const [verdicts, setVerdicts] = createSignal<ReadonlyMap<string, PatchVerdict>>(new Map());
  const [published, setPublished] = createSignal<PublishedPatch[]>([]);
  const [newestEntry, setNewestEntry] = createSignal('');
  const [activity, setActivity] = createSignal<Activity>();
  const targets = makeTargets(() => device.key()?.did);
  const [notices, setNotices] = createSignal<UnfinishedNotice[]>([]);
  let ticket = 0;
  /** Aborted when a newer judging starts: the worker's scores for an older state go unwaited. */
  let judging = new AbortController();

  async function judgeAll(items: InboxItem[], team: OpenTeam | undefined, did?: string) {
    const mine = ++ticket;
    judging.abort();
    judging = new AbortController();
    const leave = judging.signal;
    const judged = new Map<string, PatchVerdict>();
    // The policy engine and the reputation code load with the first bundle to judge: an empty
    // Inbox (a first visit) needs neither.
    try {
      if (items.length > 0) await judgeEach(items, team, did, judged, leave);
    } catch (cause) {
      if (mine !== ticket) return; // superseded: its scores were cancelled, its verdicts moot
      throw cause;
    }
    if (mine !== ticket) return;
    setVerdicts(judged);
    if (team === undefined) return (setPublished([]), setNewestEntry(''));
    const { publishedPatches, newestEntryTime } = await patchesCode();
    const held = new Set(items.map((item) => item.key));
    setPublished(publishedPatches(team.ledger).filter((p) => !held.has(p.patch)));
    setNewestEntry(newestEntryTime(team.ledger, did, now()));
  }

  /** Each bundle's verdict under the policy in force, into `judged`; stops when outdated. */
  async function judgeEach(
    items: InboxItem[],
    team: OpenTeam | undefined,
    did: string | undefined,
    judged: Map<string, PatchVerdict>,
    leave: AbortSignal,
  ): Promise<void> {
    const mine = ticket;
    const { judgePatch, policyInForce } = await verdictCode();
    const policy = team === undefined ? undefined : await policyInForce(team.ledger);
    const scope =
      team === undefined || policy === undefined
        ? {}
        : { team: { ledger: team.ledger, policy }, trust: team.trust(leave) };
    for (const item of items) {
      judged.set(
        item.key,
        await judgePatch({ check: item.check, deviceDid: did, now: now(), ...scope }),
      );
      // A turn for the page between bundles: hundreds of them are judged one by one.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (mine !== ticket) return;
    }
  }

  createEffect(() => {
    const team = openTeamOf(teams);
    team?.revision();
    const items = inbox.items();
    const did = device.key()?.did;
    void judgeAll(items, team, did).catch((error: unknown) =>
      console.error('patchtrail: could not judge the Inbox', error),
    );
  });

  /** The common frame of an action: an open team, this device's key, the bundle, progress. */
  async function acting(
    key: string,
    activityOf: Activity,
    work: (
      team: OpenTeam,
      item: InboxItem,
      signer: Awaited<ReturnType<DeviceService['ready']>>,
    ) => Promise<ActOutcome>,
  ): Promise<ActOutcome> {
    const team = openTeamOf(teams);
    const item = inbox.find(key);
    if (team === undefined)
      return failed('FAILED', 'open or join a team first: actions are recorded on its ledger');
    if (item === undefined) return failed('NOT_IN_INBOX', NOT_IN_INBOX);
    if (item.check.report === undefined)
      return failed('MALFORMED_INPUT', 'this file is not a valid bundle');
    if (activity() !== undefined)
      return failed('FAILED', 'another action is under way: wait for it to finish');
    setActivity(activityOf);
    try {
      const outcome = await work(team, item, await device.ready());
      await team.settle();
      return outcome;
    } catch (error) {
      // Its store closed under this tab (forgotten in another, data cleared): say that.
      if (openTeamOf(teams) !== team) return failed('TEAM_CLOSED', notRecorded(teams.lost()));
      return failed('FAILED', error instanceof Error ? error.message : String(error));
    } finally {
      setActivity(undefined);
    }
  }

  /** Work on a workspace's files, while no action runs (and none starts until it ends). */
  async function onWorkspace<T>(
    kind: 'fill' | 'download',
    name: string,
    work: (tree: Tree) => Promise<T>,
  ): Promise<Done<T>> {
    const choice: TargetChoice = { kind: 'workspace', name };
    if (activity() !== undefined)
      return {
        ok: false,
        code: 'FAILED',
        message: 'another action is under way: wait for it to finish',
      };
    const target = targets.label(choice);
    setActivity({ key: '', kind, target });
    try {
      const opened = await targets.open(choice);
      if (opened === undefined)
        return { ok: false, code: 'FAILED', message: `“${name}” is not a workspace name` };
      const run = () => work(opened.tree);
      // Filling writes the workspace: a new version of the app waits for it, as for an apply.
      const value =
        busy === undefined || kind === 'download'
          ? await run()
          : await busy.run('apply', `copying a folder into ${target}`, run);
      return { ok: true, value };
    } catch (error) {
      const code = isPatchtrailError(error) ? error.code : 'FAILED';
      return { ok: false, code, message: error instanceof Error ? error.message : String(error) };
    } finally {
      setActivity(undefined);
    }
  }

  /** Remembers an apply or rollback before it starts (synchronously: a crash cannot outrun it). */
  function remember(
    team: OpenTeam,
    choice: TargetChoice,
    target: OpenedTarget,
    item: InboxItem,
    kind: 'apply' | 'rollback',
  ): Unfinished {
    const entry: Unfinished = {
      ...{ id: randomId(), tab: memory.tabs.tab, ledger: team.ledgerId },
      ...{ target: target.name, place: { kind: choice.kind, name: choice.name } },
      ...{ key: item.key, patch: item.key, fileName: item.fileName, kind },
      started: now()
        .toISOString()
        .replace(/\.\d+Z$/, 'Z'),
    };
    memory.store.add(entry);
    return entry;
  }

  const notify = (notice: UnfinishedNotice) =>
    setNotices((list) => [...list.filter((n) => n.id !== notice.id), notice]);

  /** Unfinished work on this team no live tab is doing (this tab's own is never running here). */
  async function leftOver(team: OpenTeam): Promise<Unfinished[]> {
    const mine = memory.store.list().filter((u) => u.ledger === team.ledgerId);
    const out: Unfinished[] = [];
    for (const u of mine)
      if (u.tab === memory.tabs.tab || !(await memory.tabs.alive(u.tab))) out.push(u);
    return out;
  }

  /**
   * Finishes what was cut short on this target (see unfinished.ts) before anything new runs
   * there. When it was the very action asked for now, its outcome is the answer.
   */
  async function finishOn(
    team: OpenTeam,
    target: OpenedTarget,
    signer: Awaited<ReturnType<DeviceService['ready']>>,
    asked?: { patch: string; kind: Exclude<ActKind, 'attest'> },
  ): Promise<ActOutcome | undefined> {
    let answer: ActOutcome | undefined;
    for (const u of await leftOver(team)) {
      if (u.target !== target.name) continue;
      const outcome = await finishOne(team, u, target, signer);
      if (outcome !== undefined && asked?.patch === u.patch && asked.kind === u.kind)
        answer = outcome;
    }
    return answer;
  }

  async function finishOne(
    team: OpenTeam,
    u: Unfinished,
    target: OpenedTarget,
    signer: Awaited<ReturnType<DeviceService['ready']>>,
  ): Promise<ActOutcome | undefined> {
    const item = inbox.find(u.key);
    const words = await cutShortWords();
    if (item === undefined) {
      notify({ id: u.id, tone: 'waiting', key: u.key, text: words.bundleMissingWords(u) });
      return undefined;
    }
    const [{ finishInterrupted }, { policyInForce }] = await Promise.all([
      actionCode(),
      verdictCode(),
    ]);
    const context = { ledger: team.ledger, signer, now: now(), trust: team.trust() };
    const policy = await policyInForce(team.ledger);
    const finished = await finishInterrupted(context, item.bytes, policy, target, u.kind);
    await team.settle();
    memory.store.remove(u.id);
    const text = words.finishedWords(u, finished.state);
    const tone = finished.state === 'unclear' ? 'problem' : 'done';
    notify({ id: u.id, tone, key: u.key, text });
    return finished.state === 'finished' ? finished.outcome : undefined;
  }

  /**
   * Once a team is open with this device's key and the Inbox read: finishes what a closed or
   * crashed tab left on a workspace; a picked folder must be picked again (the person is asked).
   */
  const swept = new Set<string>();
  async function sweep(team: OpenTeam): Promise<void> {
    if (swept.has(team.ledgerId)) return;
    swept.add(team.ledgerId);
    const left = await leftOver(team);
    if (left.length === 0) return;
    const signer = await device.ready();
    for (const u of left) {
      if (u.place.kind === 'folder') {
        const { pickAgainWords } = await cutShortWords();
        notify({ id: u.id, tone: 'waiting', key: u.key, text: pickAgainWords(u) });
        continue;
      }
      const choice: TargetChoice = { kind: 'workspace', name: u.place.name };
      await whileIdle({ key: u.key, kind: u.kind, target: targets.label(choice) }, async () => {
        // Never made anew: a workspace removed since has nothing left to finish.
        const tree = await targets.existingWorkspace(choice.name);
        if (tree === undefined) return void memory.store.remove(u.id);
        await finishOn(team, { name: targets.recordName(choice), tree }, signer);
      });
    }
  }

  /** Runs `work` as this tab's one action (waiting for the one under way), as busy work. */
  async function whileIdle(what: Activity, work: () => Promise<void>): Promise<void> {
    while (activity() !== undefined) await new Promise((r) => setTimeout(r, 200));
    setActivity(what);
    try {
      await (busy === undefined
        ? work()
        : busy.run('apply', 'finishing an interrupted apply', work));
    } finally {
      setActivity(undefined);
    }
  }

  createEffect(() => {
    const team = openTeamOf(teams);
    if (team === undefined || device.key() === undefined || !inbox.loaded()) return;
    void sweep(team).catch((error: unknown) =>
      console.error('patchtrail: could not finish interrupted work', error),
    );
  });

  const workspaces: WorkspaceFiles = {
    async count(name) {
      try {
        const tree = await targets.existingWorkspace(name);
        return tree === undefined ? 0 : (await filesCode()).fileCount(tree);
      } catch {
        return undefined;
      }
    },
    fill: (name, folder, progress) =>
      onWorkspace('fill', name, async (tree) =>
        (await filesCode()).fillTree(tree, folder, progress),
      ),
    zip: (name, progress) =>
      onWorkspace('download', name, async (tree) => (await filesCode()).zipOfTree(tree, progress)),
  };

  return {
    workspaces,
    verdict: (key) => verdicts().get(key),
    status(key) {
      const verdict = verdicts().get(key);
      if (verdict === undefined) return 'checking';
      return verdict.deviceState ?? verdict.state;
    },
    published,
    newestEntry,
    activity,
    targets,
    unfinished: notices,
    dismissUnfinished: (id) => setNotices((list) => list.filter((n) => n.id !== id)),
    attest: (key, reason, note, passkey) =>
      acting(key, { key, kind: 'attest' }, async (team, item, signer) => {
        const { attestPatch } = await actionCode();
        const patch = `sha256:${item.check.report?.payloadDigest ?? ''}`;
        const context = { ledger: team.ledger, signer, now: now(), trust: team.trust() };
        return attestPatch(context, patch, reason, note, passkey);
      }),
    act: (key, kind, choice) =>
      acting(key, { key, kind, target: targets.label(choice) }, async (team, item, signer) => {
        const [{ applyToTarget, rollbackOnTarget }, { policyInForce }] = await Promise.all([
          actionCode(),
          verdictCode(),
        ]);
        const target = await targets.open(choice);
        if (target === undefined)
          return failed('FAILED', 'choose the folder again: this page no longer holds it');
        const context = {
          ...{ ledger: team.ledger, signer, now: now(), trust: team.trust() },
          onStep: (step: AgentStep) => setActivity((a) => (a === undefined ? a : { ...a, step })),
        };
        const where = targets.label(choice);
        if (kind === 'dry-run') {
          const policy = await policyInForce(team.ledger);
          return applyToTarget(context, item.bytes, policy, target, true);
        }
        const work = async () => {
          // Waited for the busy lock: the team may have been forgotten meanwhile (team.ts).
          if (openTeamOf(teams) !== team) return failed('TEAM_CLOSED', notRecorded(teams.lost()));
          // Removed in another tab meanwhile: applied, it could not be rolled back from here.
          if (kind === 'apply' && !(await inbox.holds(key)))
            return failed('NOT_IN_INBOX', NOT_IN_INBOX);
          const same = await finishOn(team, target, signer, { patch: item.key, kind });
          if (same !== undefined) return same;
          const started = remember(team, choice, target, item, kind);
          const outcome =
            kind === 'rollback'
              ? await rollbackOnTarget(context, item.bytes, target)
              : await applyToTarget(
                  context,
                  item.bytes,
                  await policyInForce(team.ledger),
                  target,
                  false,
                );
          await team.settle(); // its record stored before a forget (team.ts) may delete the store
          // Settled: recorded, or refused before the files changed (all or nothing).
          if (outcome.ok || !outcome.steps.some((s) => s.step === 'apply' && s.ok))
            memory.store.remove(started.id);
          return outcome;
        };
        if (busy === undefined) return work();
        const verb = kind === 'rollback' ? 'rolling back' : 'applying';
        return busy.run('apply', `${verb} ${item.fileName} on ${where}`, work);
      }),
  };
}
