/**
 * The teams this device belongs to and the one open now: found a team (this device writes the
 * genesis as its first admin), join one from an invitation (sign our own `register` entry and
 * wait for the first sync to bring the genesis), switch teams, import a ledger file. The
 * ledger code loads lazily (./ledger-session.ts) when a team is opened.
 *
 * A joiner's states: waiting for the first sync (no genesis yet) → registered, waiting for an
 * admin to endorse it → member. The first is `phase: 'waiting'`; the others are read from the
 * open ledger's members.
 */
import { createSignal, type Accessor } from 'solid-js';
import type { Invitation } from '../core/ledger/invitation.ts';
import { invitationLink, newRoomSecret } from '../core/ledger/invitation.ts';
import type { WorkerPool } from './worker-pool.ts';
import type { ActionResult, ImportReport, OpenTeam } from './ledger-session.ts';
import type { BusyRegistry } from './busy.ts';
import type { DeviceService } from './device.ts';
import { storageFailure } from './persistence.ts';
import { makeImportMemory, type ImportMemory, type ImportUnderway } from './import-memory.ts';
import { browserStore } from './kiosk-guard.ts';
import { pageTab } from './unfinished.ts';
import type { SyncService, TransportTarget } from './sync.ts';
import { deleteLedgerStore, type LedgerDbLoss } from '../storage/ledger-db.ts';
import {
  chooseCurrent,
  forgetMembership,
  readMemberships,
  saveMembership,
  type Membership,
} from '../storage/memberships.ts';

export type { Membership };

export type TeamPhase =
  | { kind: 'starting' }
  | { kind: 'none' }
  | { kind: 'waiting'; membership: Membership }
  | { kind: 'loading'; membership: Membership; done: number; total: number }
  | { kind: 'open'; membership: Membership; team: OpenTeam }
  | { kind: 'failed'; membership: Membership; message: string };

/** The phase (or any state with a `kind`) when it is of `kind`, narrowed; else undefined. */
export function inPhase<T extends { kind: string }, K extends T['kind']>(
  phase: T,
  kind: K,
): Extract<T, { kind: K }> | undefined {
  return phase.kind === kind ? (phase as Extract<T, { kind: K }>) : undefined;
}

/**
 * Why the team this tab had open closed under it: another tab of the app forgot it on this
 * device, a newer version of the app (in another tab) needs its store, or the browser removed
 * the app's data (identity, teams, workspaces). The banner says it, and what to do next.
 */
export type TeamLoss =
  { kind: 'forgotten'; name: string } | { kind: 'upgraded'; name: string } | { kind: 'cleared' };

export type ImportOutcome = { ok: true; report: ImportReport } | { ok: false; message: string };

/** The ledger file being imported, or the last one's outcome (shown wherever an import form is). */
export interface ImportState {
  fileName: string;
  done: number;
  total: number;
  outcome?: ImportOutcome;
}

export interface TeamService {
  readonly phase: Accessor<TeamPhase>;
  readonly imports: Accessor<ImportState | undefined>;
  readonly memberships: Accessor<Membership[]>;
  /** Set once the open team closed under this tab (TeamLoss); never cleared but by a reload. */
  readonly lost: Accessor<TeamLoss | undefined>;
  found(name: string): Promise<ActionResult>;
  join(invitation: Invitation): Promise<ActionResult>;
  choose(ledgerId: string): Promise<void>;
  /**
   * Forgets a team on this device: its membership and this device's copy of its ledger go
   * (other devices and files keep theirs). The current team is closed first and the oldest other
   * one opened. It waits until no busy work (an apply, a sync, an import) runs in any tab, and
   * `waiting` hears when it has to wait; the other tabs holding the team hear of it and close
   * it (TeamLoss). `blocked` is true when a tab still holds the ledger open (one running an
   * older version of the app): its copy goes once that tab closes it. `cancel` aborted while it
   * waits: nothing is forgotten, then or later (`cancelled`).
   */
  forget(
    ledgerId: string,
    waiting?: () => void,
    cancel?: AbortSignal,
  ): Promise<ActionResult & { blocked?: boolean; cancelled?: boolean }>;
  /** Admits a ledger file (the CLI's format); while waiting, its first line may be the genesis. */
  importFile(file: Pick<File, 'name' | 'arrayBuffer'>): Promise<ImportOutcome>;
  /**
   * This team's ledger file imports that were cut short (a reload, a closed tab) and not taken
   * again since: said until dismissed. Taking the same file again in full dismisses them.
   */
  cutShortImports(ledgerId: string): Promise<ImportUnderway[]>;
  dismissCutShortImport(id: string): void;
  /** The link that invites a device into the current team. */
  invitation(appAddress: string): string | undefined;
  /**
   * Records this device's name on the open team's ledger when the device is registered there
   * under another name; undefined when there is nothing to record (no team open, not
   * registered, revoked, or the ledger has this name already).
   */
  recordName(name: string): Promise<ActionResult | undefined>;
}

const session = () => import('./ledger-session.ts');
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const failed = (error: unknown): ActionResult => ({
  ok: false,
  code: 'FAILED',
  message: storageFailure(error, 'the team'),
});
/** A forget that has not started after this long is said to be waiting for other work. */
const WAITING_SAID_MS = 300;
const random = (bytes: Uint8Array) => crypto.getRandomValues(bytes);

/** The state and the steps behind TeamService; each step is one method. */
class Teams {
  readonly phase: Accessor<TeamPhase>;
  readonly memberships: Accessor<Membership[]>;
  readonly imports: Accessor<ImportState | undefined>;
  readonly lost: Accessor<TeamLoss | undefined>;
  private readonly setLost: (loss: TeamLoss) => void;
  private readonly setPhase: (phase: TeamPhase) => void;
  private readonly setMemberships: (list: Membership[]) => void;
  readonly setImports: (state: ImportState) => void;
  /** Counts opens, so a slow one that a newer one overtook closes what it opened. */
  private opening = 0;

  constructor(
    private readonly device: DeviceService,
    private readonly sync: SyncService,
    private readonly pool?: WorkerPool,
  ) {
    [this.phase, this.setPhase] = createSignal<TeamPhase>({ kind: 'starting' });
    [this.memberships, this.setMemberships] = createSignal<Membership[]>([]);
    [this.imports, this.setImports] = createSignal<ImportState>();
    [this.lost, this.setLost] = createSignal<TeamLoss>();
  }

  current(): Membership | undefined {
    const now = this.phase();
    return now.kind === 'starting' || now.kind === 'none' ? undefined : now.membership;
  }

  async start(): Promise<void> {
    let chosen: Membership | undefined;
    try {
      const list = await readMemberships();
      this.setMemberships(list.memberships);
      chosen = list.memberships.find((m) => m.ledgerId === list.current);
    } catch (error) {
      console.error('patchtrail: could not read this device’s teams', error);
    }
    if (chosen !== undefined) return this.open(chosen);
    this.setPhase({ kind: 'none' });
    this.sync.follow(undefined);
  }

  /** Tells the transport what to carry: this membership, and its ledger once open. */
  private follow(membership: Membership, team: OpenTeam | undefined): void {
    const target: TransportTarget = {
      ledgerId: membership.ledgerId,
      roomSecret: membership.roomSecret,
      signaling: membership.signaling,
      ledger: team?.ledger,
      offerGenesis: (bytes) => this.offerGenesis(membership, bytes),
    };
    this.sync.follow(target);
  }

  async remember(membership: Membership): Promise<void> {
    await saveMembership(membership);
    this.setMemberships((await readMemberships()).memberships);
  }

  /** Opens a held ledger, or the one whose genesis bytes arrived; joiners register on open. */
  async open(membership: Membership, genesis?: Uint8Array): Promise<void> {
    const ticket = ++this.opening;
    const before = this.phase();
    if (before.kind === 'open') await before.team.close();
    this.setPhase({ kind: 'loading', membership, done: 0, total: 0 });
    try {
      const team = await this.openSession(membership, genesis, ticket);
      if (ticket !== this.opening) return void (await team.close());
      await this.opened(membership, team);
    } catch (error) {
      if (ticket !== this.opening) return;
      // A joiner holds no genesis until the first sync: that is waiting, not a failure.
      if (genesis === undefined && membership.origin === 'joiner') {
        this.setPhase({ kind: 'waiting', membership });
        this.follow(membership, undefined);
      } else this.setPhase({ kind: 'failed', membership, message: message(error) });
    }
  }

  private async openSession(
    membership: Membership,
    genesis: Uint8Array | undefined,
    ticket: number,
  ) {
    const { openTeamSession } = await session();
    const key = await this.device.ready();
    return openTeamSession(genesis ?? membership.ledgerId, {
      signer: () => this.device.key() ?? key,
      onError: (error) => console.error('patchtrail: ledger store write failed', error),
      onLost: (why) => this.onLost(membership, why),
      ...(this.pool === undefined ? {} : { pool: this.pool }),
      progress: (done, total) => {
        if (ticket === this.opening) this.setPhase({ kind: 'loading', membership, done, total });
      },
    });
  }

  /** A ledger is open: admit our pending registration, take the team's own name, go. */
  private async opened(membership: Membership, team: OpenTeam): Promise<void> {
    let held = membership;
    if (membership.registration !== undefined) await team.admit(membership.registration);
    if (membership.name !== team.name) {
      held = { ...membership, name: team.name };
      await this.remember(held);
    }
    this.setPhase({ kind: 'open', membership: held, team });
    this.follow(held, team);
  }

  async offerGenesis(membership: Membership, bytes: Uint8Array): Promise<boolean> {
    const now = this.phase();
    if (now.kind !== 'waiting' || now.membership.ledgerId !== membership.ledgerId) return false;
    const { isGenesisOf } = await session();
    if (!(await isGenesisOf(bytes, membership.ledgerId))) return false;
    await this.open(membership, bytes);
    return this.phase().kind === 'open';
  }

  async found(name: string): Promise<ActionResult> {
    try {
      const key = await this.device.ready();
      const { foundLedger } = await session();
      const genesis = await foundLedger(key, name, new Date(), key.name);
      const membership: Membership = {
        ledgerId: genesis.id,
        name,
        roomSecret: newRoomSecret(random),
        signaling: [],
        origin: 'founder',
        joinedAt: new Date().toISOString(),
        // Admitted on open, as a joiner's is: teammates see the founder by this device's name.
        ...(genesis.registration === undefined ? {} : { registration: genesis.registration }),
      };
      await this.remember(membership);
      await this.open(membership, genesis.bytes);
      return { ok: true };
    } catch (error) {
      return failed(error);
    }
  }

  async join(invitation: Invitation): Promise<ActionResult> {
    try {
      const held = this.memberships().find((m) => m.ledgerId === invitation.ledgerId);
      if (held !== undefined) return (await this.choose(held.ledgerId, true), { ok: true });
      const key = await this.device.ready();
      const { signRegistration } = await session();
      const registration = await signRegistration(key, invitation.ledgerId, key.name, new Date());
      const { ledgerId, name, roomSecret, signaling } = invitation;
      const joinedAt = new Date().toISOString();
      const membership: Membership = {
        ledgerId,
        name,
        roomSecret,
        signaling,
        joinedAt,
        registration,
        origin: 'joiner',
      };
      await this.remember(membership);
      await this.open(membership);
      return { ok: true };
    } catch (error) {
      return failed(error);
    }
  }

  /**
   * The open (or opening) team's store closed under this tab: stop at once, so nothing more is
   * said to be recorded on it. Forgotten in another tab: open what this device holds now.
   */
  private onLost(membership: Membership, why: LedgerDbLoss): void {
    if (this.current()?.ledgerId !== membership.ledgerId) return;
    this.opening++; // an open under way closes what it opens
    const now = this.phase();
    if (now.kind === 'open') void now.team.close();
    this.sync.follow(undefined);
    const name = membership.name;
    if (why === 'deleted') {
      this.setLost({ kind: 'forgotten', name });
      this.setPhase({ kind: 'none' });
      void this.start();
      return;
    }
    this.setLost(why === 'upgraded' ? { kind: 'upgraded', name } : { kind: 'cleared' });
    const message =
      why === 'upgraded'
        ? 'a newer version of patchtrail, opened in another tab, needs this team’s ledger: reload this tab'
        : 'this browser removed patchtrail’s data on this device: reload this tab';
    this.setPhase({ kind: 'failed', membership, message });
  }

  /** Closes the team when it is open, forgets it and deletes its store; then reopen (`start`). */
  async forget(ledgerId: string): Promise<{ wasCurrent: boolean; blocked: boolean }> {
    const wasCurrent = this.current()?.ledgerId === ledgerId;
    if (wasCurrent) {
      this.opening++; // an open under way closes what it opens
      const now = this.phase();
      if (now.kind === 'open') await now.team.close();
      this.sync.follow(undefined);
      this.setPhase({ kind: 'none' });
    }
    await forgetMembership(ledgerId);
    let blocked = false;
    const deleted = deleteLedgerStore(ledgerId, () => (blocked = true));
    // Deleted, or blocked by a tab that does not let go: then it goes when that tab closes.
    await Promise.race([deleted, new Promise((resolve) => setTimeout(resolve, 2000))]);
    void deleted.catch((error: unknown) =>
      console.error('patchtrail: could not delete a forgotten ledger', error),
    );
    return { wasCurrent, blocked };
  }

  async afterForget(wasCurrent: boolean): Promise<void> {
    if (wasCurrent) await this.start();
    else this.setMemberships((await readMemberships()).memberships);
  }

  async choose(ledgerId: string, again = false): Promise<void> {
    const chosen = this.memberships().find((m) => m.ledgerId === ledgerId);
    if (chosen === undefined || (!again && chosen.ledgerId === this.current()?.ledgerId)) return;
    await chooseCurrent(ledgerId);
    await this.open(chosen);
  }

  /** Admits a ledger file; while waiting, its first line is offered as the genesis. */
  async importBytes(
    bytes: Uint8Array,
    progress: (done: number, total: number) => void,
  ): Promise<ImportOutcome> {
    try {
      const now = this.phase();
      if (now.kind === 'waiting') {
        const { firstLine } = await session();
        const genesis = firstLine(bytes);
        if (genesis === undefined || !(await this.offerGenesis(now.membership, genesis)))
          return { ok: false, message: 'this file does not start with this team’s genesis entry' };
      }
      const opened = this.phase();
      if (opened.kind !== 'open') return { ok: false, message: 'no team ledger is open' };
      return { ok: true, report: await opened.team.importFile(bytes, progress) };
    } catch (error) {
      return { ok: false, message: storageFailure(error, 'the rest of this ledger file') };
    }
  }
}

export function createTeams(
  device: DeviceService,
  sync: SyncService,
  busy: BusyRegistry,
  /** Where imported ledger files are read and checked (the main thread without one). */
  pool?: WorkerPool,
  /** Where imports under way are remembered (localStorage, shared by the tabs). */
  importMemory: ImportMemory = makeImportMemory(browserStore(), pageTab()),
): TeamService {
  const teams = new Teams(device, sync, pool);
  void teams.start();
  return {
    phase: teams.phase,
    imports: teams.imports,
    memberships: teams.memberships,
    lost: teams.lost,
    found: (name) => teams.found(name),
    join: (invitation) => teams.join(invitation),
    choose: (ledgerId) => teams.choose(ledgerId),
    // It closes the team and deletes its store once no apply, sync or import runs in any tab
    // (one under way would write to a store being deleted), and none starts until it is done.
    async forget(ledgerId, waiting, cancel) {
      let started = false;
      const timer = setTimeout(() => started || waiting?.(), WAITING_SAID_MS);
      try {
        const { wasCurrent, blocked } = await busy.whenIdle(() => {
          started = true;
          return teams.forget(ledgerId);
        }, cancel);
        await teams.afterForget(wasCurrent);
        return { ok: true, blocked };
      } catch (error) {
        if (!started && cancel?.aborted === true)
          return {
            ok: false,
            code: 'FAILED',
            message: 'cancelled: the team is kept',
            cancelled: true,
          };
        return failed(error);
      } finally {
        clearTimeout(timer);
      }
    },
    // A ledger file is a sync by hand: it writes the store, so an update waits for it.
    importFile: (file) =>
      busy.run('sync', `importing ${file.name}`, async () => {
        const fileName = file.name;
        teams.setImports({ fileName, done: 0, total: 0 });
        const bytes = new Uint8Array(await file.arrayBuffer());
        const ledgerId = teams.current()?.ledgerId;
        // Remembered while it runs: a reload or a closed tab cuts it short, and that is said.
        const id = ledgerId && importMemory.begin(ledgerId, fileName, bytes.length);
        let outcome: ImportOutcome;
        try {
          outcome = await teams.importBytes(bytes, (done, total) => {
            teams.setImports({ fileName, done, total });
            if (id) importMemory.progress(id, done, total);
          });
        } finally {
          if (id) importMemory.end(id);
        }
        if (outcome.ok && ledgerId)
          for (const cut of await importMemory.cutShort(ledgerId))
            if (cut.fileName === fileName && cut.size === bytes.length)
              importMemory.dismiss(cut.id);
        teams.setImports({ fileName, done: 0, total: 0, outcome });
        const taken = outcome.ok && outcome.report.admitted + outcome.report.duplicate > 0;
        if (taken && ledgerId !== undefined) sync.syncedByFile(ledgerId, Date.now());
        return outcome;
      }),
    cutShortImports: (ledgerId) => importMemory.cutShort(ledgerId),
    dismissCutShortImport: (id) => importMemory.dismiss(id),
    async recordName(name) {
      const now = teams.phase();
      const did = device.key()?.did;
      if (now.kind !== 'open' || did === undefined || name === '') return undefined;
      const identity = now.team.ledger.registry().identities.get(did);
      if (identity === undefined || identity.registered === '') return undefined;
      const outOfStanding =
        identity.revokedFrom !== undefined ||
        identity.rotatedTo !== undefined ||
        identity.malicious;
      if (outOfStanding || identity.name === name) return undefined;
      return now.team.rename(name);
    },
    invitation(appAddress) {
      const held = teams.current();
      if (held === undefined) return undefined;
      const { ledgerId, roomSecret, signaling, name } = held;
      return invitationLink(appAddress, { ledgerId, roomSecret, signaling, name });
    },
  };
}
