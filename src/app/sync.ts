/**
 * The seam between the app and the transport (y-webrtc, tabs, relay; src/app/transport.ts,
 * loaded on demand by lazy-transport.ts): the app says which ledger to carry, with the peer
 * settings in force and this device's key to sign its presence, and hears back how syncing
 * goes. Without a transport the state says so plainly: "not connected".
 *
 * Whatever a transport carries is untrusted: it hands bytes to the ledger's validator (for an
 * open ledger, through src/sync/ledger-doc.ts), and a candidate genesis to `offerGenesis`,
 * which accepts only bytes that hash to the ledger id the invitation named.
 *
 * Links made by serverless pairing report here too (`paired`), so the top bar counts them, and
 * the newest sync is remembered per ledger (`memory`) for "ledger last synced 3 days ago".
 */
import { createSignal, type Accessor } from 'solid-js';
import type { Signer } from '../core/crypto/signer.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import type { SignalingStatus, WebrtcPeer } from '../sync/webrtc.ts';
import type { BusyRegistry } from './busy.ts';
import type { PeerSettings } from './peer-settings.ts';
import type { WorkerPool } from './worker-pool.ts';

/** What the top bar shows. `at` and `lastSync` are wall-clock times in milliseconds. */
export type SyncState =
  | { kind: 'no-team' }
  | { kind: 'not-connected'; reason: string }
  | { kind: 'offline' }
  | { kind: 'connecting' }
  | {
      kind: 'connected';
      /** Connected peers, other tabs of this browser included. */
      peers: number;
      /** Of those, other tabs of this app in this browser: this same device, not a teammate. */
      tabs?: number;
      lastSync?: number;
      checking?: CheckingProgress;
    };

/** A large change from peers (a first sync) being checked: entries admitted so far, of all. */
export interface CheckingProgress {
  done: number;
  total: number;
}

/** One peer in the room; `did` only when its signed presence claim checked out. */
export interface PeerDetail extends WebrtcPeer {
  did?: string;
}

/** What the Peers screen shows about the room. */
export interface RoomDetail {
  room: string;
  signaling: SignalingStatus[];
  relay?: { url: string; connected: boolean; synced: boolean };
  peers: PeerDetail[];
  /** A joiner waiting for the genesis: peers are looked for, nothing is verified yet. */
  waiting: boolean;
  /** A large change from peers being checked. */
  checking?: CheckingProgress;
}

export interface TransportTarget {
  readonly ledgerId: string;
  readonly roomSecret: string;
  /** Signaling addresses from the invitation; empty means the app's own (same origin). */
  readonly signaling: readonly string[];
  /** The verified ledger, or undefined while a joiner waits for its genesis. */
  readonly ledger: Ledger | undefined;
  /** Untrusted bytes offered as this ledger's genesis; true once accepted and opened. */
  offerGenesis(bytes: Uint8Array): Promise<boolean>;
  /** The settings in force (added by the sync service; the transport's defaults otherwise). */
  readonly settings?: PeerSettings;
  /** Signs this device's presence claim so peers can name it (added by the sync service). */
  readonly presence?: Signer;
  /** Reads and checks large batches of peers' entries in workers (added by the sync service). */
  readonly pool?: WorkerPool;
  /** Runs checking a large change as busy sync work, which an update waits for (likewise). */
  readonly busy?: <T>(label: string, work: () => Promise<T>) => Promise<T>;
}

export type SyncReport = (state: SyncState, detail?: RoomDetail) => void;

export interface Transport {
  /** Starts carrying `target`, reporting through `report`; returns the function that stops it. */
  connect(target: TransportTarget, report: SyncReport): () => void;
}

export const NO_TRANSPORT_REASON = 'this build syncs with no one yet';

/** Paired links: how many are open, and when one was last heard from. */
export interface PairedLinks {
  connected: number;
  lastHeard?: number;
}

/** Remembers each ledger's newest sync across restarts. */
export interface SyncMemory {
  read(ledgerId: string): Promise<number | undefined>;
  write(ledgerId: string, at: number): Promise<void>;
}

export interface SyncOptions {
  /** The settings in force for a team whose invitation named these signaling addresses. */
  settingsFor?: (signaling: readonly string[]) => PeerSettings;
  /** Connecting waits for this (the saved settings being read). */
  ready?: Promise<unknown>;
  presence?: () => Signer | undefined;
  memory?: SyncMemory;
  /** Receiving a team's ledger (the genesis, then opening it) runs as busy work here. */
  busy?: Pick<BusyRegistry, 'run'>;
  /** The worker pool, handed to the transport for large batches of peers' entries. */
  pool?: WorkerPool;
}

export interface SyncService {
  readonly state: Accessor<SyncState>;
  readonly detail: Accessor<RoomDetail | undefined>;
  /** The newest time this device synced the current ledger with anyone (remembered). */
  readonly lastSync: Accessor<number | undefined>;
  /** Carries this target from now on (undefined: no team), stopping the previous one. */
  follow(target: TransportTarget | undefined): void;
  /** Starts the current target again (after the settings changed). */
  reconnect(): void;
  paired(links: PairedLinks): void;
  /**
   * This device took a ledger file of `ledgerId` at `at` (a sync by hand, as carrying the ledger
   * offline is): it counts as a sync, remembered at once.
   */
  syncedByFile(ledgerId: string, at: number): void;
}

/** Writes the remembered last sync at most this often while peers keep talking. */
const REMEMBER_EVERY_MS = 30_000;

/** The state with paired links counted in. */
export function withPaired(room: SyncState, links: PairedLinks): SyncState {
  if (links.connected === 0) return room;
  const inRoom = room.kind === 'connected' ? room : { peers: 0, lastSync: undefined };
  const times = [inRoom.lastSync, links.lastHeard].filter((t) => t !== undefined);
  return {
    kind: 'connected',
    peers: inRoom.peers + links.connected,
    ...(room.kind === 'connected' && room.tabs !== undefined ? { tabs: room.tabs } : {}),
    ...(times.length > 0 ? { lastSync: Math.max(...times) } : {}),
    ...(room.kind === 'connected' && room.checking !== undefined
      ? { checking: room.checking }
      : {}),
  };
}

/** The sync state signal, driven by `transport` when there is one. */
export function createSync(
  transport: Transport | undefined,
  options: SyncOptions = {},
): SyncService {
  const [room, setRoom] = createSignal<SyncState>({ kind: 'no-team' });
  const [links, setLinks] = createSignal<PairedLinks>({ connected: 0 });
  const [detail, setDetail] = createSignal<RoomDetail>();
  const [lastSync, setLastSync] = createSignal<number>();
  let stop: (() => void) | undefined;
  let followed: TransportTarget | undefined;
  /** Moves on every (re)start, so a stopped connection's late reports are dropped. */
  let generation = 0;
  let remembered = 0;

  const heard = (at: number | undefined) => {
    if (at === undefined || at <= (lastSync() ?? 0) || followed === undefined) return;
    setLastSync(at);
    if (at - remembered < REMEMBER_EVERY_MS) return;
    remembered = at;
    options.memory?.write(followed.ledgerId, at).catch(() => undefined);
  };

  const recall = (target: TransportTarget) => {
    setLastSync(undefined);
    remembered = 0;
    void options.memory?.read(target.ledgerId).then((at) => {
      if (followed?.ledgerId === target.ledgerId && at !== undefined) {
        remembered = Math.max(remembered, at);
        if (at > (lastSync() ?? 0)) setLastSync(at);
      }
    });
  };

  const start = async (target: TransportTarget, run: number) => {
    await options.ready;
    if (run !== generation || transport === undefined) return;
    const settings = options.settingsFor?.(target.signaling);
    const presence = options.presence?.();
    const { busy } = options;
    const request: TransportTarget = {
      ...target,
      ...(busy === undefined
        ? {}
        : {
            offerGenesis: (bytes: Uint8Array) =>
              busy.run('sync', 'receiving the team’s ledger', () => target.offerGenesis(bytes)),
          }),
      ...(settings === undefined ? {} : { settings }),
      ...(presence === undefined ? {} : { presence }),
      ...(options.pool === undefined ? {} : { pool: options.pool }),
      ...(busy === undefined
        ? {}
        : { busy: <T>(label: string, work: () => Promise<T>) => busy.run('sync', label, work) }),
    };
    stop = transport.connect(request, (next, about) => {
      if (run !== generation) return;
      setRoom(next);
      setDetail(about);
      if (next.kind === 'connected') heard(next.lastSync);
    });
  };

  const follow = (target: TransportTarget | undefined, again = false) => {
    if (target === followed && !again) return;
    stop?.();
    stop = undefined;
    generation++;
    setDetail(undefined);
    if (target?.ledgerId !== followed?.ledgerId && target !== undefined) recall(target);
    followed = target;
    if (target === undefined) setRoom({ kind: 'no-team' });
    else if (transport === undefined)
      setRoom({ kind: 'not-connected', reason: NO_TRANSPORT_REASON });
    else {
      setRoom({ kind: 'connecting' });
      void start(target, generation);
    }
  };

  return {
    state: () => withPaired(room(), links()),
    detail,
    lastSync,
    follow: (target) => follow(target),
    reconnect: () => follow(followed, true),
    paired(next) {
      setLinks(next);
      heard(next.lastHeard);
    },
    syncedByFile(ledgerId, at) {
      if (followed?.ledgerId === ledgerId) {
        if (at <= (lastSync() ?? 0)) return;
        setLastSync(at);
        remembered = at;
      }
      options.memory?.write(ledgerId, at).catch(() => undefined);
    },
  };
}
