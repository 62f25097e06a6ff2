/**
 * The Yjs binding under a hostile network: a seeded fake network that reorders, drops,
 * duplicates and partitions Yjs updates between honest peers (each a Y.Doc bound to its own
 * verified ledger) and hostile ones (raw Y.Docs that write whatever they like). After the
 * network heals (sync on reconnect, digest comparison, forced re-seed on mismatch), every
 * honest peer must hold the same verified set, lose no valid entry, and flag every equivocator.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  Ledger,
  makeSeedSigner,
  signEntry,
  utf8Decode,
  utf8Encode,
  type Entry,
  type Signer,
} from '../../src/core/index.ts';
import { bindLedgerDoc, ENTRIES_MAP, type LedgerDocBinding } from '../../src/sync/ledger-doc.ts';

const T = '2026-11-22T09:00:00Z';
const PATCH = `sha256:${'cd'.repeat(32)}`;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Peer {
  name: string;
  doc: Y.Doc;
  honest: boolean;
  ledger?: Ledger;
  binding?: LedgerDocBinding;
  signer?: Signer;
  proofs: Promise<unknown>[];
}

interface Message {
  to: Peer;
  update: Uint8Array;
  at: number;
}

class FakeNetwork {
  private queue: Message[] = [];
  private now = 0;
  /** Pairs of peer names that cannot reach each other. */
  private cut = new Set<string>();
  constructor(
    readonly peers: Peer[],
    private readonly random: () => number,
    private readonly faults: { drop: number; duplicate: number; maxDelay: number },
  ) {
    for (const peer of peers) this.attach(peer);
  }

  attach(peer: Peer): void {
    peer.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== 'net') this.broadcast(peer, update);
    });
  }

  /** Heals Yjs-level divergence: the peer's doc is rebuilt from its verified store. */
  rebuild(peer: Peer): void {
    peer.binding?.destroy();
    peer.doc.destroy();
    peer.doc = new Y.Doc();
    this.attach(peer);
    peer.binding = bindLedgerDoc(peer.doc, peer.ledger as Ledger);
  }

  private reachable(a: Peer, b: Peer): boolean {
    return a !== b && !this.cut.has(`${a.name}|${b.name}`);
  }

  broadcast(from: Peer, update: Uint8Array, only?: Peer[]): void {
    for (const to of only ?? this.peers) {
      if (!this.reachable(from, to) || this.random() < this.faults.drop) continue;
      const copies = this.random() < this.faults.duplicate ? 2 : 1;
      for (let i = 0; i < copies; i++)
        this.queue.push({
          to,
          update,
          at: this.now + 1 + Math.floor(this.random() * this.faults.maxDelay),
        });
    }
  }

  partition(groups: Peer[][]): void {
    this.cut.clear();
    for (const a of this.peers)
      for (const b of this.peers)
        if (!groups.some((g) => g.includes(a) && g.includes(b)))
          this.cut.add(`${a.name}|${b.name}`);
  }

  heal(): void {
    this.cut.clear();
  }

  /** Delivers what is due, in random order among messages due at the same time. */
  async step(): Promise<void> {
    this.now++;
    const due = this.queue.filter((m) => m.at <= this.now);
    this.queue = this.queue.filter((m) => m.at > this.now);
    for (let i = due.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [due[i], due[j]] = [due[j] as Message, due[i] as Message];
    }
    for (const m of due) Y.applyUpdate(m.to.doc, m.update, 'net');
    await settle(this.peers);
  }

  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.step();
  }

  /** What y-webrtc does on (re)connect: exchange state vectors and the missing updates. */
  async syncAll(): Promise<void> {
    for (const a of this.peers)
      for (const b of this.peers) {
        if (!this.reachable(a, b)) continue;
        const missing = Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc));
        Y.applyUpdate(b.doc, missing, 'net');
      }
    await settle(this.peers);
  }
}

async function settle(peers: Peer[]): Promise<void> {
  for (let round = 0; round < 3; round++) {
    for (const p of peers) await p.binding?.settled();
    for (const p of peers) await Promise.all(p.proofs);
  }
}

async function honestPeer(name: string, genesis: Uint8Array, signer: Signer): Promise<Peer> {
  const peer: Peer = { name, doc: new Y.Doc(), honest: true, signer, proofs: [] };
  const ledger = await Ledger.open(genesis);
  ledger.subscribe({
    equivocation: (found) => {
      peer.proofs.push(ledger.publishEquivocation(signer, found, T).catch(() => undefined));
    },
  });
  peer.ledger = ledger;
  peer.binding = bindLedgerDoc(peer.doc, ledger);
  return peer;
}

function hostilePeer(name: string, clientID?: number): Peer {
  const doc = new Y.Doc();
  if (clientID !== undefined) doc.clientID = clientID;
  return { name, doc, honest: false, proofs: [] };
}

const signerOf = (n: number) => makeSeedSigner(new Uint8Array(32).fill(n));

async function scenario(seed: number) {
  const random = mulberry32(seed);
  const admin = await signerOf(1);
  const founding = await Ledger.found(
    admin,
    { name: 'room', admins: [admin.did], threshold: 1 },
    T,
  );
  const genesis = founding.genesis.bytes;
  const honestSigners = await Promise.all([2, 3, 4, 5].map(signerOf));
  const honest = [
    await honestPeer('admin', genesis, admin),
    ...(await Promise.all(honestSigners.map((s, i) => honestPeer(`h${i}`, genesis, s)))),
  ];
  const mallory = hostilePeer('mallory');
  const malloryB = hostilePeer('malloryB');
  const twinA = hostilePeer('twinA', 424242);
  const twinB = hostilePeer('twinB', 424242);
  const net = new FakeNetwork([...honest, mallory, malloryB, twinA, twinB], random, {
    drop: 0.2,
    duplicate: 0.2,
    maxDelay: 4,
  });
  const created: Entry[] = [];
  const [groupA, groupB] = [honest.slice(0, 2), honest.slice(2)];

  // Honest work, under a partition: registrations, an endorsement, attestations.
  net.partition([
    [...groupA, mallory, twinA],
    [...groupB, twinB],
  ]);
  for (const peer of honest) {
    if (peer.signer === admin) continue;
    created.push(
      await (peer.ledger as Ledger).append(
        peer.signer as Signer,
        'register',
        { name: peer.name },
        T,
      ),
    );
    await net.step();
  }
  created.push(
    await (honest[0]?.ledger as Ledger).append(
      admin,
      'endorse',
      { subject: honestSigners[0]?.did ?? '', role: 'builder', stake: 3 },
      T,
    ),
  );
  for (const peer of honest.slice(1)) {
    created.push(
      await (peer.ledger as Ledger).append(
        peer.signer as Signer,
        'attest',
        { patch: PATCH, reason: 'built' },
        T,
      ),
    );
    await net.step();
  }

  // Mallory: a registered author who equivocates across the partition.
  const evil = await signerOf(66);
  const scratch = await Ledger.open(genesis);
  const evilReg = await scratch.append(evil, 'register', { name: 'mallory' }, T);
  const fork = (reason: 'built' | 'tested') =>
    signEntry(evil, {
      ledger: founding.id,
      seq: 1,
      prev: evilReg.id,
      refs: [],
      time: T,
      kind: 'attest',
      body: { patch: PATCH, reason },
    });
  const [forkA, forkB] = [await fork('built'), await fork('tested')];
  const map = (p: Peer) => p.doc.getMap<Uint8Array>(ENTRIES_MAP);
  map(mallory).set(evilReg.id, evilReg.bytes);
  map(mallory).set(forkA.id, forkA.bytes);
  map(malloryB).set(evilReg.id, evilReg.bytes);
  map(malloryB).set(forkB.id, forkB.bytes);

  // Twins: two updates with one client id and clock, each carrying a different valid entry.
  const sybils = [await signerOf(77), await signerOf(78)];
  const sybilRegs = await Promise.all(
    sybils.map((s) => scratch.append(s, 'register', { name: 'sybil' }, T)),
  );
  map(twinA).set(sybilRegs[0]?.id ?? '', sybilRegs[0]?.bytes ?? new Uint8Array());
  map(twinB).set(sybilRegs[1]?.id ?? '', sybilRegs[1]?.bytes ?? new Uint8Array());
  await net.drain();
  await net.syncAll(); // within each side of the partition
  await net.drain();

  // Junk of every kind, from mallory's doc.
  const victim = created[0] as Entry;
  const text = utf8Decode(victim.bytes);
  const forged = utf8Encode(
    text.replace(/"sig":"(.)/, (_m, c: string) => `"sig":"${c === 'A' ? 'B' : 'A'}`),
  );
  const altered = utf8Encode(text.replace(`"name":"h0"`, `"name":"h0-evil"`));
  const elsewhere = await Ledger.found(
    evil,
    { name: 'other', admins: [evil.did], threshold: 1 },
    T,
  );
  const replay = await elsewhere.append(evil, 'attest', { patch: PATCH, reason: 'applied' }, T);
  net.heal();
  await net.syncAll();
  mallory.doc.transact(() => {
    const m = map(mallory);
    m.set(victim.id, forged);
    m.set(`sha256:${'11'.repeat(32)}`, forged);
    m.set((created[1] as Entry).id, altered);
    m.delete((created[2] as Entry).id);
    m.set(replay.id, replay.bytes);
    m.set(`sha256:${'22'.repeat(32)}`, new Uint8Array(300 * 1024));
    for (let i = 0; i < 50; i++) {
      const junk = new Uint8Array(1 + Math.floor(random() * 300));
      for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(random() * 256);
      m.set(`junk-${seed}-${i}`, junk);
    }
  });
  await net.drain();

  // Healing: sync on reconnect until quiet; a peer whose digest differs from the first honest
  // peer's rebuilds its doc from its store.
  for (let round = 0; round < 6; round++) {
    await net.syncAll();
    await net.drain();
    const digests = await Promise.all(honest.map((p) => (p.ledger as Ledger).digest()));
    if (new Set(digests).size === 1) break;
    honest.forEach((p, i) => {
      if (digests[i] !== digests[0]) net.rebuild(p);
    });
  }
  return { honest, created, evil, sybilRegs, forkA, forkB, victim };
}

describe('the ledger over a hostile Yjs network', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: honest peers converge, lose nothing, flag the equivocator`, async () => {
      const { honest, created, evil, sybilRegs, forkA, forkB } = await scenario(seed);
      const ledgers = honest.map((p) => p.ledger as Ledger);
      const digests = await Promise.all(ledgers.map((l) => l.digest()));
      expect(new Set(digests).size).toBe(1);
      const ids = ledgers.map((l) =>
        [...l.all()]
          .map((e) => e.id)
          .sort()
          .join(),
      );
      expect(new Set(ids).size).toBe(1);
      for (const ledger of ledgers) {
        for (const entry of created) expect(ledger.verified(entry.id)?.id).toBe(entry.id);
        for (const entry of [...sybilRegs, forkA, forkB])
          expect(ledger.get(entry.id)).toBeDefined();
        expect(ledger.registry().identities.get(evil.did)?.malicious).toBe(true);
        expect([...ledger.ofKind('equivocation')].length).toBeGreaterThan(0);
      }
      // The junk was seen and refused (each piece by whichever peers it reached first: the
      // first to refuse it removes it from the shared map).
      const codes = new Set(ledgers.flatMap((l) => l.quarantined().map((q) => q.code)));
      expect([...codes].sort()).toEqual(['INVALID_SIGNATURE', 'MALFORMED_INPUT', 'TOO_LARGE']);
      // Every honest doc holds exactly the verified entries' bytes: junk was removed, deletions and
      // overwrites were put back.
      for (const peer of honest) {
        const m = peer.doc.getMap<Uint8Array>(ENTRIES_MAP);
        const ledger = peer.ledger as Ledger;
        expect([...m.keys()].sort()).toEqual([...ledger.all()].map((e) => e.id).sort());
        for (const entry of ledger.all()) expect(m.get(entry.id)).toEqual(entry.bytes);
      }
    });
  }

  it('a client-id/clock collision leaves peers diverged until one rebuilds its doc', async () => {
    const admin = await signerOf(1);
    const founding = await Ledger.found(
      admin,
      { name: 'room', admins: [admin.did], threshold: 1 },
      T,
    );
    const [a, b] = [
      await honestPeer('a', founding.genesis.bytes, admin),
      await honestPeer('b', founding.genesis.bytes, admin),
    ];
    const scratch = await Ledger.open(founding.genesis.bytes);
    const regs = [
      await scratch.append(await signerOf(80), 'register', { name: 'x' }, T),
      await scratch.append(await signerOf(81), 'register', { name: 'y' }, T),
    ];
    const twins = [hostilePeer('t1', 999), hostilePeer('t2', 999)];
    twins.forEach((t, i) =>
      t.doc
        .getMap<Uint8Array>(ENTRIES_MAP)
        .set(regs[i]?.id ?? '', regs[i]?.bytes ?? new Uint8Array()),
    );
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(twins[0]?.doc as Y.Doc), 'net');
    Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(twins[1]?.doc as Y.Doc), 'net');
    await settle([a, b]);
    const exchange = async () => {
      Y.applyUpdate(b.doc, Y.encodeStateAsUpdate(a.doc, Y.encodeStateVector(b.doc)), 'net');
      Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)), 'net');
      await settle([a, b]);
    };
    await exchange();
    expect(await a.ledger?.digest()).not.toBe(await b.ledger?.digest());
    a.binding?.reseed();
    await exchange();
    expect(await a.ledger?.digest()).not.toBe(await b.ledger?.digest());
    a.binding?.destroy();
    a.doc = new Y.Doc();
    a.binding = bindLedgerDoc(a.doc, a.ledger as Ledger);
    await exchange();
    expect(await a.ledger?.digest()).toBe(await b.ledger?.digest());
    expect(a.ledger?.get(regs[1]?.id ?? '')).toBeDefined();
  });
});
