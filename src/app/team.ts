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
import type { Invitation } from './invitation.ts';
import { invitationLink, newRoomSecret } from './invitation.ts';
import type { ActionResult, ImportReport, OpenTeam } from './ledger-session.ts';
import type { DeviceService } from './device.ts';
import type { SyncService, TransportTarget } from './sync.ts';
import {
  chooseCurrent,
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

/** The phase when it is of `kind`, narrowed; undefined otherwise (for `<Match when>`). */
export function inPhase<K extends TeamPhase['kind']>(
  phase: TeamPhase,
  kind: K,
): Extract<TeamPhase, { kind: K }> | undefined {
  return phase.kind === kind ? (phase as Extract<TeamPhase, { kind: K }>) : undefined;
}

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
  found(name: string): Promise<ActionResult>;
  join(invitation: Invitation): Promise<ActionResult>;
  choose(ledgerId: string): Promise<void>;
  /** Admits a ledger file (the CLI's format); while waiting, its first line may be the genesis. */
  importFile(file: Pick<File, 'name' | 'arrayBuffer'>): Promise<ImportOutcome>;
  /** The link that invites a device into the current team. */
  invitation(appAddress: string): string | undefined;
}

const session = () => import('./ledger-session.ts');
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function createTeams(device: DeviceService, sync: SyncService): TeamService {
  const [phase, setPhase] = createSignal<TeamPhase>({ kind: 'starting' });
  const [memberships, setMemberships] = createSignal<Membership[]>([]);
  const [imports, setImports] = createSignal<ImportState>();
  let opening = 0;

  const current = (): Membership | undefined => {
    const now = phase();
    return now.kind === 'starting' || now.kind === 'none' ? undefined : now.membership;
  };

  function follow(membership: Membership, team: OpenTeam | undefined): void {
    const target: TransportTarget = {
      ledgerId: membership.ledgerId,
      roomSecret: membership.roomSecret,
      signaling: membership.signaling,
      ledger: team?.ledger,
      offerGenesis: (bytes) => offerGenesis(membership, bytes),
    };
    sync.follow(target);
  }

  async function closeCurrent(): Promise<void> {
    const now = phase();
    if (now.kind === 'open') await now.team.close();
  }

  /** Opens a held ledger, or the one whose genesis bytes arrived; joiners register on open. */
  async function open(membership: Membership, genesis?: Uint8Array): Promise<void> {
    const ticket = ++opening;
    await closeCurrent();
    setPhase({ kind: 'loading', membership, done: 0, total: 0 });
    const { openTeamSession } = await session();
    try {
      const key = await device.ready();
      const team = await openTeamSession(genesis ?? membership.ledgerId, {
        signer: () => device.key() ?? key,
        onError: (error) => console.error('patchtrail: ledger store write failed', error),
        progress: (done, total) => {
          if (ticket === opening) setPhase({ kind: 'loading', membership, done, total });
        },
      });
      if (ticket !== opening) return void (await team.close());
      let held = membership;
      if (membership.registration !== undefined) await team.admit(membership.registration);
      if (membership.name !== team.name) {
        held = { ...membership, name: team.name };
        await saveMembership(held);
        setMemberships((await readMemberships()).memberships);
      }
      setPhase({ kind: 'open', membership: held, team });
      follow(held, team);
    } catch (error) {
      if (ticket !== opening) return;
      // A joiner holds no genesis until the first sync: that is waiting, not a failure.
      if (genesis === undefined && membership.origin === 'joiner') {
        setPhase({ kind: 'waiting', membership });
        follow(membership, undefined);
      } else setPhase({ kind: 'failed', membership, message: message(error) });
    }
  }

  async function offerGenesis(membership: Membership, bytes: Uint8Array): Promise<boolean> {
    const now = phase();
    if (now.kind !== 'waiting' || now.membership.ledgerId !== membership.ledgerId) return false;
    const { isGenesisOf } = await session();
    if (!(await isGenesisOf(bytes, membership.ledgerId))) return false;
    await open(membership, bytes);
    return phase().kind === 'open';
  }

  async function start(): Promise<void> {
    const list = await readMemberships();
    setMemberships(list.memberships);
    const chosen = list.memberships.find((m) => m.ledgerId === list.current);
    if (chosen === undefined) {
      setPhase({ kind: 'none' });
      sync.follow(undefined);
    } else await open(chosen);
  }

  async function remember(membership: Membership): Promise<void> {
    await saveMembership(membership);
    setMemberships((await readMemberships()).memberships);
  }

  const random = (bytes: Uint8Array) => crypto.getRandomValues(bytes);

  async function importLedgerFile(
    bytes: Uint8Array,
    progress: (done: number, total: number) => void,
  ): Promise<ImportOutcome> {
    const now = phase();
    try {
      if (now.kind === 'waiting') {
        const { firstLine } = await session();
        const genesis = firstLine(bytes);
        if (genesis === undefined || !(await offerGenesis(now.membership, genesis)))
          return { ok: false, message: 'this file does not start with this team’s genesis entry' };
      }
      const opened = phase();
      if (opened.kind !== 'open') return { ok: false, message: 'no team ledger is open' };
      return { ok: true, report: await opened.team.importFile(bytes, progress) };
    } catch (error) {
      return { ok: false, message: message(error) };
    }
  }

  void start().catch((error: unknown) => {
    console.error('patchtrail: could not read this device’s teams', error);
    setPhase({ kind: 'none' });
  });

  return {
    phase,
    imports,
    memberships,
    async found(name) {
      try {
        const key = await device.ready();
        const { foundLedger } = await session();
        const genesis = await foundLedger(key, name, new Date());
        const membership: Membership = {
          ledgerId: genesis.id,
          name,
          roomSecret: newRoomSecret(random),
          signaling: [],
          origin: 'founder',
          joinedAt: new Date().toISOString(),
        };
        await remember(membership);
        await open(membership, genesis.bytes);
        return { ok: true };
      } catch (error) {
        return { ok: false, code: 'FAILED', message: message(error) };
      }
    },
    async join(invitation) {
      try {
        const held = memberships().find((m) => m.ledgerId === invitation.ledgerId);
        if (held !== undefined) {
          await chooseCurrent(held.ledgerId);
          await open(held);
          return { ok: true };
        }
        const key = await device.ready();
        const { signRegistration } = await session();
        const registration = await signRegistration(key, invitation.ledgerId, key.name, new Date());
        const membership: Membership = {
          ledgerId: invitation.ledgerId,
          name: invitation.name,
          roomSecret: invitation.roomSecret,
          signaling: invitation.signaling,
          origin: 'joiner',
          joinedAt: new Date().toISOString(),
          registration,
        };
        await remember(membership);
        await open(membership);
        return { ok: true };
      } catch (error) {
        return { ok: false, code: 'FAILED', message: message(error) };
      }
    },
    async choose(ledgerId) {
      const chosen = memberships().find((m) => m.ledgerId === ledgerId);
      if (chosen === undefined || chosen.ledgerId === current()?.ledgerId) return;
      await chooseCurrent(ledgerId);
      await open(chosen);
    },
    async importFile(file) {
      const fileName = file.name;
      setImports({ fileName, done: 0, total: 0 });
      const outcome = await importLedgerFile(
        new Uint8Array(await file.arrayBuffer()),
        (done, total) => setImports({ fileName, done, total }),
      );
      setImports({ fileName, done: 0, total: 0, outcome });
      return outcome;
    },
    invitation(appAddress) {
      const held = current();
      if (held === undefined) return undefined;
      const { ledgerId, roomSecret, signaling, name } = held;
      return invitationLink(appAddress, { ledgerId, roomSecret, signaling, name });
    },
  };
}
