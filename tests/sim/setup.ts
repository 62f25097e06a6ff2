/**
 * Builds a run's world: the genesis (three founding admins, threshold two), every other system
 * registered and none endorsed, the genuine fixes built by the admins, and the honest holders'
 * `forwarded` attestations. Why this team: the paper pre-trusts a few peers (3 of 63); in our
 * engine every member (admin or endorsed role) is a root of pre-trust and the only flagger
 * whose flag counts (malice.ts), so the roots are kept to the three admins, who also build
 * the releases and answer compromise reports. Everyone else, honest or not, is a registered,
 * unendorsed system that earns reputation only through attestations.
 */
import { makeSeedSigner, type Signer } from '../../src/core/index.ts';
import { Ledger } from '../../src/core/ledger/ledger.ts';
import { baseTree, forwardGenuine, publishGenuine } from './patches.ts';
import { Rng } from './random.ts';
import { Clock, type Actor, type MaliciousRole, type SimConfig, type World } from './world.ts';

const signers = new Map<string, Promise<Signer>>();

/** A deterministic Ed25519 key per (system, identity generation), made once per process. */
export function systemSigner(index: number, generation: number): Promise<Signer> {
  const key = `${index} ${generation}`;
  let signer = signers.get(key);
  if (signer === undefined) {
    const seed = new Uint8Array(32).fill(0x42);
    seed.set([0x73, index & 255, index >> 8, generation & 255, generation >> 8]);
    signer = makeSeedSigner(seed);
    signers.set(key, signer);
  }
  return signer;
}

async function makeActor(index: number, kind: Actor['kind'], role?: MaliciousRole) {
  const names = { admin: 'admin', honest: 'device', malicious: role ?? 'malicious' };
  const actor: Actor = {
    index,
    name: `${names[kind]}-${String(index).padStart(2, '0')}`,
    signer: await systemSigner(index, 0),
    kind,
    holds: new Set(),
    forwarded: new Map(),
    variants: new Map(),
    needs: new Set(),
    generation: 0,
    responses: 0,
    phase: 0,
  };
  if (role !== undefined) actor.role = role;
  return actor;
}

/** Admins first; then `roles.length` malicious systems at seeded places among the rest. */
async function makeActors(config: SimConfig, roles: MaliciousRole[], rng: Rng): Promise<Actor[]> {
  const others = Array.from({ length: config.systems - config.admins }, (_, i) => i);
  const bad = new Map(rng.shuffled(others).map((place, i) => [place, roles[i]]));
  const actors: Actor[] = [];
  for (let i = 0; i < config.systems; i++) {
    const role = i < config.admins ? undefined : bad.get(i - config.admins);
    const kind = i < config.admins ? 'admin' : role === undefined ? 'honest' : 'malicious';
    actors.push(await makeActor(i, kind, role));
  }
  return actors;
}

async function found(config: SimConfig, actors: Actor[], clock: Clock): Promise<Ledger> {
  const admins = actors.slice(0, config.admins);
  const [founder] = admins;
  if (founder === undefined) throw new RangeError('sim: at least one admin');
  const ledger = await Ledger.found(
    founder.signer,
    { name: 'patchtrail sim', admins: admins.map((a) => a.signer.did), threshold: 2 },
    clock.next(),
  );
  for (const a of actors.slice(1))
    await ledger.append(a.signer, 'register', { name: a.name }, clock.next());
  return ledger;
}

/** Who holds which fix, the genuine patches, and the honest holders' forwarded hops. */
async function stock(world: World): Promise<void> {
  const { config, rng } = world;
  for (let k = 0; k < config.fixes; k++) {
    const author = world.admins[k % world.admins.length] as Actor;
    world.genuine.push(await publishGenuine(world, author, k));
    author.holds.add(k);
  }
  for (const a of world.systems) {
    if (a.kind === 'admin') continue;
    for (let k = 0; k < config.fixes; k++) if (rng.chance(config.holdRate)) a.holds.add(k);
  }
  for (const a of world.systems) {
    if (a.kind !== 'honest') continue;
    for (const k of a.holds) await forwardGenuine(world, a, k);
  }
  for (const a of world.systems) {
    if (a.kind === 'malicious' && a.role !== 'disseminator') continue;
    a.tree = baseTree(config.fixes);
    for (let k = 0; k < config.fixes; k++) if (world.genuine[k]?.author !== a) a.needs.add(k);
    a.phase = rng.int(100);
  }
}

export async function makeWorld(config: SimConfig, roles: MaliciousRole[]): Promise<World> {
  const rng = new Rng(config.seed);
  const clock = new Clock();
  const systems = await makeActors(config, roles, rng);
  const ledger = await found(config, systems, clock);
  const world: World = {
    config,
    rng,
    ledger,
    clock,
    admins: systems.slice(0, config.admins),
    systems,
    genuine: [],
    patches: new Map(),
    flagged: new Set(),
    reports: [],
  };
  await stock(world);
  return world;
}

/** A Sybil slot takes a fresh identity: a new key, registered, with nothing built yet. */
export async function newIdentity(world: World, slot: Actor): Promise<void> {
  slot.generation++;
  slot.signer = await systemSigner(slot.index, slot.generation);
  slot.variants.clear();
  const name = `${slot.name}.${slot.generation}`;
  await world.ledger.append(slot.signer, 'register', { name }, world.clock.next());
}
