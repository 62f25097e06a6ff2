/**
 * Kiosk mode as a service: who may enter it (a device whose key the team registered with the
 * `kiosk` role: an admin's endorsement is the admin's say-so), the guard that keeps the app on
 * `#/kiosk` until an admin confirms leaving (kiosk-guard.ts), and the unattended loop: every
 * poll, and whenever the ledger or the Inbox changes, it settles an interrupted apply (once,
 * at start), takes new files from the watched folder into the Inbox, gathers the bundles it
 * holds for its components (dropped in its folder, or published on the ledger by peers), and
 * runs one pass (kiosk-run.ts). The screen reads `status()`.
 *
 * The ledger code, the agent and the storage adapters load lazily, when kiosk mode is on.
 */
import { createEffect, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { BusyRegistry } from './busy.ts';
import type { DeviceService } from './device.ts';
import type { InboxItem, InboxService } from './inbox.ts';
import {
  makeKioskGuard,
  type AdminConfirmation,
  type KioskGuard,
  type KioskMode,
} from './kiosk-guard.ts';
import { makeKioskMemory } from './kiosk-record.ts';
import type { KioskBundle } from './kiosk-run.ts';
import type { KioskStatus } from './kiosk-status.ts';
import type { OpenTeam } from './ledger-session.ts';
import type { TeamService } from './team.ts';
import {
  browserKioskIo,
  NAME_POINTS,
  targetRecordName,
  type FolderNeed,
  type KioskIo,
} from './kiosk-io.ts';
import { inlineName } from '../core/encoding/display.ts';

export type { FolderNeed, KioskIo, KioskMode, KioskStatus };
export { COMMIT_PAUSE_KEY, PERMISSION_WORDS } from './kiosk-io.ts';
export type { WaitingRow } from './kiosk-run.ts';
export type { Freshness, KioskState, VersionRow } from './kiosk-status.ts';

export const KIOSK_ROLE = 'kiosk';

/** Whether this device may become a kiosk, and if not, why not. */
export type KioskEligibility = { ok: true } | { ok: false; reason: string };

export interface KioskService {
  readonly guard: KioskGuard;
  readonly mode: Accessor<KioskMode | undefined>;
  readonly status: Accessor<KioskStatus>;
  eligibility(): KioskEligibility;
  /** `watch` / `target`: names of folders picked with `pickFolder` (else OPFS). */
  enter(setup: { components: string[]; watch?: string; target?: string }): KioskEligibility;
  leave(): Promise<AdminConfirmation>;
  /** Whether this browser can pick real folders for the kiosk. */
  canPickFolders(): boolean;
  /** Asks the admin for a folder (from a click) and keeps it; its name, or undefined. */
  pickFolder(role: FolderNeed['role']): Promise<string | undefined>;
  /** Asks the browser to allow the picked folders again (from an admin's click), then checks. */
  allowFoldersAgain(): Promise<void>;
}

export interface KioskOptions {
  guard?: KioskGuard;
  /** Applies and rollbacks run as its busy work, so a new version never takes over under them. */
  busy?: BusyRegistry;
  io?: KioskIo;
  store?: Parameters<typeof makeKioskMemory>[0];
  now?: () => Date;
  pollMs?: number;
}

const openTeamOf = (teams: TeamService): OpenTeam | undefined => {
  const phase = teams.phase();
  return phase.kind === 'open' ? phase.team : undefined;
};

const STARTING: KioskStatus = { state: 'starting', waiting: [], history: [], problems: [] };

/** Call inside a reactive root. */
export function createKiosk(
  teams: TeamService,
  inbox: InboxService,
  device: DeviceService,
  options: KioskOptions = {},
): KioskService {
  const guard = options.guard ?? makeKioskGuard();
  const io = options.io ?? browserKioskIo();
  const now = options.now ?? (() => new Date());
  const memory = makeKioskMemory(options.store ?? globalThis.localStorage);
  const [status, setStatus] = createSignal<KioskStatus>(STARTING);

  function eligibility(): KioskEligibility {
    const team = openTeamOf(teams);
    const did = device.key()?.did;
    if (team === undefined || did === undefined)
      return { ok: false, reason: 'Open or join the team first: a kiosk is a member of one.' };
    const me = team.ledger.registry().identities.get(did);
    if (me?.roles[KIOSK_ROLE] === undefined)
      return {
        ok: false,
        reason: `An admin must endorse this device with the “${KIOSK_ROLE}” role first (Team page).`,
      };
    return { ok: true };
  }

  const busy = options.busy;
  const asBusy = <T>(label: string, work: () => Promise<T>): Promise<T> =>
    busy === undefined ? work() : busy.run('apply', label, work);
  const loop = makeLoop({ teams, inbox, device, io, now, memory, guard, setStatus, asBusy });
  createEffect(() => {
    const team = openTeamOf(teams);
    team?.revision();
    inbox.items();
    inbox.loaded();
    if (guard.mode() === undefined) return;
    loop.poke();
  });
  createEffect(() => {
    if (guard.mode() === undefined) return;
    const timer = setInterval(() => loop.poke(), options.pollMs ?? 2000);
    onCleanup(() => clearInterval(timer));
  });

  return {
    guard,
    mode: guard.mode,
    status,
    eligibility,
    enter(setup) {
      const ok = eligibility();
      if (!ok.ok) return ok;
      const components = setup.components.map((c) => c.trim()).filter((c) => c !== '');
      guard.enter({
        ...{ target: 'kiosk', folder: 'kiosk-drop', components },
        ...{ since: now().toISOString(), device: device.key()?.did ?? '' },
        ...(setup.watch === undefined ? {} : { watchPicked: setup.watch }),
        ...(setup.target === undefined ? {} : { targetPicked: setup.target }),
      });
      return ok;
    },
    leave: () => guard.leave(),
    canPickFolders: () =>
      io.pick !== undefined &&
      typeof (globalThis as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function',
    pickFolder: async (role) => io.pick?.(role),
    async allowFoldersAgain() {
      const mode = guard.mode();
      if (mode !== undefined) await io.regrant?.(mode);
      loop.poke();
    },
  };
}

interface LoopDeps {
  asBusy<T>(label: string, work: () => Promise<T>): Promise<T>;
  teams: TeamService;
  inbox: InboxService;
  device: DeviceService;
  io: KioskIo;
  now: () => Date;
  memory: ReturnType<typeof makeKioskMemory>;
  guard: KioskGuard;
  setStatus: (status: KioskStatus) => void;
}

/** What a passer-by reads as a bundle's name: the patch's reason, as its author wrote it. */
const nameOf = (item: InboxItem): string =>
  inlineName(item.check.report?.predicate.reason_for_patch ?? item.fileName, NAME_POINTS);

/** Bundles the kiosk holds: its folder's, and peers' published for its components. */
async function bundlesFor(deps: LoopDeps, team: OpenTeam, mode: KioskMode): Promise<KioskBundle[]> {
  const { patchesFor } = await import('./kiosk-ledger.ts');
  const sources = deps.memory.get().sources;
  const verified = (item: InboxItem | undefined) =>
    item?.check.verdict === 'verified' || item?.check.report !== undefined ? item : undefined;
  const out: KioskBundle[] = [];
  const add = (item: InboxItem, source: KioskBundle['source']) =>
    out.push({
      ...{ patch: item.key, bytes: item.bytes, source },
      name: nameOf(item),
    });
  const fromFolder = deps.inbox.items().filter((i) => sources[i.key]?.source === 'folder');
  for (const item of [...fromFolder].reverse()) if (verified(item)) add(item, 'folder');
  for (const published of patchesFor(team.ledger, mode.components).reverse()) {
    const item = verified(deps.inbox.find(published.patch));
    if (item === undefined || sources[item.key]?.source === 'folder') continue;
    add(item, 'peer');
    if (sources[item.key] === undefined)
      deps.memory.update((m) => (m.sources[item.key] = { source: 'peer', at: published.time }));
  }
  return out;
}

/**
 * Takes what is new in the folder into the Inbox, keeping `problems` (by file name; '' for the
 * folder itself) as the folder stands: a file that was not a bundle when read (one caught
 * while being written: a new file is empty until its writer closes it) is said until it is
 * read again as a bundle, or goes.
 */
async function takeFolder(
  deps: LoopDeps,
  mode: KioskMode,
  problems: Map<string, string>,
): Promise<void> {
  let files: Awaited<ReturnType<KioskIo['listFolder']>>;
  try {
    files = await deps.io.listFolder(mode.folder, mode);
  } catch (error) {
    problems.set('', String(error));
    return;
  }
  problems.delete('');
  const present = new Set(files.map((f) => f.name));
  for (const name of problems.keys()) if (!present.has(name)) problems.delete(name);
  for (const dropped of files) {
    if (deps.memory.get().taken[dropped.name] === dropped.signature) continue;
    const item = await deps.inbox.open(dropped.file, 'folder').catch((error: unknown) => {
      problems.set(dropped.name, `${dropped.name} could not be read: ${String(error)}`);
    });
    if (item === undefined) continue; // tried again at the next pass
    deps.memory.update((m) => {
      m.taken[dropped.name] = dropped.signature;
      if (item.check.report !== undefined)
        m.sources[item.key] = { source: 'folder', at: deps.now().toISOString() };
    });
    if (item.check.report === undefined)
      problems.set(dropped.name, `${dropped.name} is not a valid bundle`);
    else problems.delete(dropped.name);
  }
}

function makeLoop(deps: LoopDeps) {
  let running = false;
  let again = false;
  let tree: { name: string; tree: Awaited<ReturnType<KioskIo['openTarget']>> } | undefined;
  let recovered = false;
  /** What the folder holds that is not a bundle (or why it cannot be read), by file name. */
  const notBundles = new Map<string, string>();

  async function pass(team: OpenTeam, mode: KioskMode): Promise<void> {
    const [run, status, { policyInForce }] = await Promise.all([
      import('./kiosk-run.ts'),
      import('./kiosk-status.ts'),
      import('./patch-verdict.ts'),
    ]);
    const signer = await deps.device.ready();
    const targetName = targetRecordName(signer.did, mode);
    const policy = await policyInForce(team.ledger);
    // A picked folder without permission: touch nothing; the ledger still says what runs.
    const needs = (await deps.io.access?.(mode)) ?? [];
    if (needs.length > 0) {
      const names = new Map(deps.inbox.items().map((i) => [i.key, nameOf(i)]));
      const known = { ledger: team.ledger, device: signer.did, policy, target: targetName, names };
      const memory = deps.memory.get();
      return void deps.setStatus(
        status.needsPermission({ ...known, memory, now: deps.now() }, needs),
      );
    }
    if (tree?.name !== targetName)
      tree = { name: targetName, tree: await deps.io.openTarget(mode.target, mode) };
    const base = {
      ...{ ledger: team.ledger, signer, target: tree, memory: deps.memory },
      trust: team.trust(),
    };
    // At the first pass, and whenever an apply or a rollback is still remembered: its record
    // failed.
    if (!recovered || deps.memory.get().inFlight !== undefined) {
      const patch = deps.memory.get().inFlight?.patch;
      const held = (await bundlesFor(deps, team, mode)).find((b) => b.patch === patch);
      await run.recoverInterrupted({ ...base, policy, now: deps.now() }, held, !recovered);
      recovered = true;
    }
    await takeFolder(deps, mode, notBundles);
    const bundles = await bundlesFor(deps, team, mode);
    let activity: KioskStatus['activity'];
    const show = (waiting: KioskStatus['waiting']) => {
      const names = new Map(bundles.map((b) => [b.patch, b.name]));
      const memory = deps.memory.get();
      const problems = [...new Set(notBundles.values())];
      const target = tree?.name ?? '';
      const input = { ...base, device: signer.did, policy, target, names, waiting, memory };
      const next = status.kioskStatus({ ...input, problems, now: deps.now() });
      deps.setStatus(activity === undefined ? next : { ...next, state: 'updating', activity });
    };
    const starting = (what: { name: string; kind: 'apply' | 'rollback' }) => {
      activity = { name: what.name, kind: what.kind };
      show([]);
    };
    const context = { ...base, policy, now: deps.now(), starting, busy: deps.asBusy };
    const result = await run.runKioskPass(context, bundles);
    await team.settle();
    activity = undefined;
    show(result.waiting);
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      do {
        // A pass's own records move the ledger and poke again: let timers and the page run.
        if (again) await new Promise((resolve) => setTimeout(resolve, 50));
        again = false;
        const team = openTeamOf(deps.teams);
        const mode = deps.guard.mode();
        // The Inbox kept from before must be listed first: it holds the bundles to take.
        if (team === undefined || mode === undefined || !deps.inbox.loaded()) break;
        await pass(team, mode).catch((error: unknown) => {
          console.error('patchtrail: the kiosk pass failed', error);
          const message = error instanceof Error ? error.message : String(error);
          const problem = `The kiosk could not check for updates: ${message}`;
          deps.setStatus({
            state: 'needs-attention',
            waiting: [],
            history: [],
            problems: [problem],
          });
        });
      } while (again);
    } finally {
      running = false;
    }
  }

  return {
    poke(): void {
      if (running) again = true;
      else void drain();
    },
  };
}
