/**
 * The sync service (src/app/sync.ts) between the team service and the transport: it hands the
 * transport the settings in force (the invitation's signaling, then this device's) and this
 * device's key, waits for the saved settings before connecting, starts again when they change,
 * drops what a stopped connection still reports, counts paired links in the top bar's state,
 * remembers the newest sync per ledger across restarts, and receives a ledger as busy work.
 */
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createBusy } from '../../src/app/busy.ts';
import { makeWorkerPool } from '../../src/app/worker-pool.ts';
import { fakeWorkers } from '../helpers/fake-worker.ts';
import { settingsInForce, type PeerSettings } from '../../src/app/peer-settings.ts';
import {
  createSync,
  type SyncMemory,
  type SyncReport,
  type Transport,
  type TransportTarget,
} from '../../src/app/sync.ts';
import { makeSeedSigner } from '../../src/core/index.ts';

const LEDGER = `sha256:${'ab'.repeat(32)}`;
const OWN = 'ws://127.0.0.1:4173/signal';
const LAN = 'ws://192.168.1.20:4173/signal';

function target(signaling: string[] = []): TransportTarget {
  return {
    ledgerId: LEDGER,
    roomSecret: 'secret-of-twenty-two-chars',
    signaling,
    ledger: undefined,
    offerGenesis: () => Promise.resolve(false),
  };
}

/** A transport that records each connection: its target, its report, whether it stopped. */
function recording() {
  const connections: { target: TransportTarget; report: SyncReport; stopped: boolean }[] = [];
  const transport: Transport = {
    connect(t, report) {
      const connection = { target: t, report, stopped: false };
      connections.push(connection);
      return () => void (connection.stopped = true);
    },
  };
  return { transport, connections };
}

function memory(): SyncMemory & { held: Map<string, number> } {
  const held = new Map<string, number>();
  return {
    held,
    read: (id) => Promise.resolve(held.get(id)),
    write: (id, at) => Promise.resolve(void held.set(id, at)),
  };
}

const tick = () => new Promise((done) => setTimeout(done, 0));

describe('the sync service', () => {
  it('connects with the settings in force and this device’s key, once the settings are read', async () => {
    const { transport, connections } = recording();
    const key = await makeSeedSigner(new Uint8Array(32).fill(5));
    const pool = makeWorkerPool({ start: fakeWorkers('answer').start, size: 1 });
    let device: PeerSettings = { signaling: [OWN], iceServers: [] };
    let loaded: () => void = () => undefined;
    const ready = new Promise<void>((done) => (loaded = done));
    const sync = createRoot(() =>
      createSync(transport, {
        settingsFor: (signaling) => settingsInForce(device, signaling),
        ready,
        presence: () => key,
        pool,
      }),
    );
    sync.follow(target([LAN]));
    await tick();
    expect(connections).toHaveLength(0); // waits for the saved settings
    expect(sync.state()).toEqual({ kind: 'connecting' });
    device = { signaling: [OWN], iceServers: [{ urls: ['stun:192.168.1.20'] }] };
    loaded();
    await tick();
    expect(connections[0]?.target.settings).toEqual({
      signaling: [LAN, OWN],
      iceServers: [{ urls: ['stun:192.168.1.20'] }],
    });
    expect(connections[0]?.target.presence?.did).toBe(key.did);
    expect(connections[0]?.target.pool).toBe(pool); // a first sync is checked in its workers

    device = { signaling: [], iceServers: [] };
    sync.reconnect();
    await tick();
    expect(connections[0]?.stopped).toBe(true);
    expect(connections[1]?.target.settings?.signaling).toEqual([LAN]);
  });

  it('drops what a stopped connection still reports', async () => {
    const { transport, connections } = recording();
    const sync = createRoot(() => createSync(transport));
    sync.follow(target());
    await tick();
    sync.reconnect();
    await tick();
    connections[1]?.report({ kind: 'offline' });
    connections[0]?.report({ kind: 'connected', peers: 3 });
    expect(sync.state()).toEqual({ kind: 'offline' });
  });

  it('counts paired links as peers, whatever the room says', async () => {
    const { transport, connections } = recording();
    const sync = createRoot(() => createSync(transport));
    sync.follow(target());
    await tick();
    connections[0]?.report({ kind: 'offline' });
    sync.paired({ connected: 1, lastHeard: 5_000 });
    expect(sync.state()).toEqual({ kind: 'connected', peers: 1, lastSync: 5_000 });
    connections[0]?.report({ kind: 'connected', peers: 2, lastSync: 9_000 });
    expect(sync.state()).toEqual({ kind: 'connected', peers: 3, lastSync: 9_000 });
    sync.paired({ connected: 0 });
    expect(sync.state()).toEqual({ kind: 'connected', peers: 2, lastSync: 9_000 });
  });

  it('counts a ledger file taken as a sync, remembered at once, and never moves the time back', async () => {
    const kept = memory();
    const { transport } = recording();
    const sync = createRoot(() => createSync(transport, { memory: kept }));
    sync.follow(target());
    await tick();
    expect(sync.lastSync()).toBeUndefined();
    sync.syncedByFile(LEDGER, 2_000_000);
    expect(sync.lastSync()).toBe(2_000_000);
    await tick();
    expect(kept.held.get(LEDGER)).toBe(2_000_000);
    sync.syncedByFile(LEDGER, 1_000_000); // a clock that stepped back
    expect(sync.lastSync()).toBe(2_000_000);
    await tick();
    expect(kept.held.get(LEDGER)).toBe(2_000_000);
    // Another team's file is remembered for that team, and leaves this one's time alone.
    const other = `sha256:${'cd'.repeat(32)}`;
    sync.syncedByFile(other, 3_000_000);
    expect(sync.lastSync()).toBe(2_000_000);
    await tick();
    expect(kept.held.get(other)).toBe(3_000_000);
  });

  it('remembers the newest sync per ledger, so an offline restart says how old the ledger is', async () => {
    const kept = memory();
    const first = recording();
    const before = createRoot(() => createSync(first.transport, { memory: kept }));
    before.follow(target());
    await tick();
    first.connections[0]?.report({ kind: 'connected', peers: 1, lastSync: 1_000_000 });
    expect(before.lastSync()).toBe(1_000_000);
    await tick();
    expect(kept.held.get(LEDGER)).toBe(1_000_000);
    first.connections[0]?.report({ kind: 'connected', peers: 1, lastSync: 1_010_000 });
    expect(before.lastSync()).toBe(1_010_000); // shown at once, written at most every 30 s
    await tick();
    expect(kept.held.get(LEDGER)).toBe(1_000_000);

    const second = recording();
    const after = createRoot(() => createSync(second.transport, { memory: kept }));
    after.follow(target());
    await tick();
    second.connections[0]?.report({ kind: 'offline' });
    expect(after.state()).toEqual({ kind: 'offline' });
    expect(after.lastSync()).toBe(1_000_000);
    after.follow(undefined);
    expect(after.state()).toEqual({ kind: 'no-team' });
  });

  it('receives a team’s ledger as busy work, so an update waits for it', async () => {
    const { transport, connections } = recording();
    const busy = createBusy();
    const sync = createRoot(() => createSync(transport, { busy }));
    let release: (ok: boolean) => void = () => undefined;
    const offered: Uint8Array[] = [];
    sync.follow({
      ...target(),
      offerGenesis: (bytes) => {
        offered.push(bytes);
        return new Promise<boolean>((done) => (release = done));
      },
    });
    await tick();
    const accepted = connections[0]?.target.offerGenesis(new Uint8Array([1, 2]));
    await tick();
    expect(offered).toEqual([new Uint8Array([1, 2])]);
    expect(busy.tasks().map((t) => t.kind)).toEqual(['sync']);
    release(true);
    expect(await accepted).toBe(true);
    expect(busy.tasks()).toEqual([]);
  });

  it('checks a large change from peers as busy work, so an update waits for it', async () => {
    const { transport, connections } = recording();
    const busy = createBusy();
    const sync = createRoot(() => createSync(transport, { busy }));
    sync.follow(target());
    await tick();
    let release: () => void = () => undefined;
    const checking = connections[0]?.target.busy?.(
      'checking 9,999 entries from peers',
      () => new Promise<number>((done) => (release = () => done(42))),
    );
    await tick();
    expect(busy.tasks().map((t) => [t.kind, t.label])).toEqual([
      ['sync', 'checking 9,999 entries from peers'],
    ]);
    release();
    expect(await checking).toBe(42);
    expect(busy.tasks()).toEqual([]);
  });
});
