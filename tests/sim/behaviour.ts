/**
 * How systems answer a query and how malicious systems "rate", per threat model (Kamvar et
 * al. 2003, §7, mapped to patches). A rating is an attestation whose `parent` is the source's:
 * `applied` builds local trust in the source (evidence.ts), `rejected` builds none.
 *
 * Answers. Honest holders and the fix's author offer the genuine patch. Malicious holders:
 * - individual (A), collective (B and D's B-type), sybil (E): their own compromised variant;
 * - camouflaged (C): the genuine patch with chance f, else their variant;
 * - spy (D): always the genuine patch;
 * - disseminator (F): the genuine patch, except one response in every 100.
 * Ratings (a malicious system's own turn each cycle):
 * - individual: asks for a fix like anyone; `applied` on a compromised source, `rejected` on a
 *   genuine one (it values inauthentic downloads, as in the paper);
 * - collective and camouflaged: `applied` on the next member's variant (the paper's chain
 *   m_i → m_{i+1});
 * - spy: `applied` on a B-type member's variant (all its trust goes to them);
 * - sybil: nothing; disseminator: behaves as a device (simulate.ts).
 */
import { builtSource, forwardGenuine, variantOf } from './patches.ts';
import type { Actor, Source, World } from './world.ts';

async function variantSource(world: World, m: Actor, fix: number): Promise<Source> {
  return builtSource(await variantOf(world, m, fix));
}

/** What malicious holder `m` answers to a query for `fix`. */
function offer(world: World, m: Actor, fix: number): Promise<Source> {
  switch (m.role) {
    case 'camouflaged':
      return world.rng.chance(world.config.authenticShare)
        ? forwardGenuine(world, m, fix)
        : variantSource(world, m, fix);
    case 'spy':
      return forwardGenuine(world, m, fix);
    case 'disseminator':
      m.responses++;
      return (m.responses + m.phase) % 100 === 0
        ? variantSource(world, m, fix)
        : forwardGenuine(world, m, fix);
    default:
      return variantSource(world, m, fix);
  }
}

/** Every answer `asker` hears for `fix`: the author's hop, then each holder's, by index. */
export async function responders(world: World, asker: Actor, fix: number): Promise<Source[]> {
  const genuine = world.genuine[fix];
  if (genuine === undefined) throw new RangeError(`sim: no fix ${fix}`);
  const out: Source[] = [];
  if (genuine.author !== asker) out.push(builtSource(genuine));
  for (const s of world.systems) {
    if (s === asker || s.kind === 'admin' || !s.holds.has(fix)) continue;
    out.push(
      s.kind === 'honest' ? await forwardGenuine(world, s, fix) : await offer(world, s, fix),
    );
  }
  return out;
}

async function rate(world: World, m: Actor, source: Source, reason: 'applied' | 'rejected') {
  await world.ledger.append(
    m.signer,
    'attest',
    { patch: source.patch.digest, reason, parent: source.attestation, target: m.name },
    world.clock.next(),
  );
}

/** `applied` on `member`'s variant of a fix it holds: trust from `m` to `member`. */
async function vouchFor(world: World, m: Actor, member: Actor): Promise<void> {
  const held = [...member.holds];
  const fix = held.length > 0 ? world.rng.pick(held) : world.rng.int(world.config.fixes);
  await rate(world, m, await variantSource(world, member, fix), 'applied');
}

const membersOf = (world: World, role: Actor['role']) =>
  world.systems.filter((a) => a.role === role);

/** A malicious system's own turn in a cycle: how it rates (see the module comment). */
export async function maliciousTurn(world: World, m: Actor): Promise<void> {
  if (m.role === 'individual') {
    const sources = await responders(world, m, world.rng.int(world.config.fixes));
    if (sources.length === 0) return;
    const source = world.rng.pick(sources);
    await rate(world, m, source, source.patch.compromised ? 'applied' : 'rejected');
  } else if (m.role === 'collective' || m.role === 'camouflaged') {
    const members = membersOf(world, m.role);
    if (members.length < 2) return;
    const next = members[(members.indexOf(m) + 1) % members.length] as Actor;
    await vouchFor(world, m, next);
  } else if (m.role === 'spy') {
    const members = membersOf(world, 'collective');
    if (members.length > 0) await vouchFor(world, m, world.rng.pick(members));
  }
}
