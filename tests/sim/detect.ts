/**
 * Finding out: a device that applied a compromised patch rolls it back (`rolled-back`, parent =
 * its `applied`, with the tree hashes of the reverse apply) and reports it; with `adminFlags`
 * the fix's admin flags the patch, the only flag the engine counts (malice.ts). When that
 * happens is `SimConfig.detection`: all at the end of the cycle (`findOut`), or during the
 * next cycle, each at its own turn (`catchUp`), so the devices in between decide on a ledger
 * that does not know yet.
 */
import { applyDiff, type MemoryTree } from '../../src/core/index.ts';
import type { Actor, Metrics, Report, World } from './world.ts';

async function rollBack(world: World, report: Report): Promise<string> {
  const { device, patch, applied } = report;
  const undo = await applyDiff(device.tree as MemoryTree, patch.diff, { reverse: true });
  const entry = await world.ledger.append(
    device.signer,
    'attest',
    {
      patch: patch.digest,
      reason: 'rolled-back',
      target: device.name,
      treeBefore: undo.treeBefore,
      treeAfter: undo.treeAfter,
      parent: applied,
    },
    world.clock.next(),
  );
  device.needs.add(patch.fix);
  report.rolledBack = entry.id;
  return entry.id;
}

const adminOf = (world: World, report: Report) =>
  world.admins[report.patch.fix % world.admins.length] as Actor;

async function flag(world: World, metrics: Metrics, report: Report, cycle: number): Promise<void> {
  const { patch, device } = report;
  if (!world.config.adminFlags || world.flagged.has(patch.digest)) return;
  const evidence =
    report.rolledBack === undefined
      ? `applied on ${device.name}: ${report.applied}`
      : `rolled back on ${device.name}: ${report.rolledBack}`;
  await world.ledger.append(
    adminOf(world, report).signer,
    'flag',
    { patch: patch.digest, compromised: true, evidence },
    world.clock.next(),
  );
  world.flagged.add(patch.digest);
  metrics.flags.push({ cycle, patch: patch.digest, author: patch.metadata.creator });
}

/** A compromised patch an honest device applied; kept for finding out (see the header). */
export function report(
  world: World,
  device: Actor,
  patch: Report['patch'],
  applied: string,
  cycle: number,
) {
  // next-round: whether it is found out is drawn now, so the admin may flag before the victim's turn
  if (world.config.detection === 'next-round' && !world.rng.chance(world.config.detectRate)) return;
  world.reports.push({ device, patch, applied, cycle });
}

/** cycle-end: every report of the cycle rolled back and flagged, before the next scores. */
export async function findOut(world: World, metrics: Metrics, cycle: number): Promise<void> {
  for (const r of world.reports.splice(0)) {
    if (!world.rng.chance(world.config.detectRate)) continue;
    await rollBack(world, r);
    await flag(world, metrics, r, cycle);
  }
}

/**
 * next-round: at `actor`'s turn, it rolls back what it applied in an earlier cycle and found
 * compromised, and, as an admin, flags the earlier cycles' reports about its fixes.
 */
export async function catchUp(world: World, metrics: Metrics, actor: Actor, cycle: number) {
  const due = world.reports.filter((r) => r.cycle < cycle);
  for (const r of due)
    if (r.device === actor && r.rolledBack === undefined) await rollBack(world, r);
  for (const r of due) if (adminOf(world, r) === actor) await flag(world, metrics, r, cycle);
  const settled = (r: Report) =>
    r.rolledBack !== undefined && (!world.config.adminFlags || world.flagged.has(r.patch.digest));
  world.reports = world.reports.filter((r) => !settled(r));
}
