/**
 * Targets in words, for the screens: where a patch was applied (an audit row, the top of a
 * patch's page). No ledger code here: the patch page shows these before the ledger code loads.
 */
import { inlineName, ledgerTime } from '../core/encoding/display.ts';
import { escapeInvisible } from '../core/encoding/visible.ts';

/** What these words need of a device event (patch-verdict.ts's DeviceEvent). */
interface DeviceAct {
  reason: string;
  target: string;
  time: string;
}

/** The app's target names: "did:key:…:workspace:main", "did:key:…:folder:firmware". */
const APP_TARGET = /^(did:key:[^:]+):(workspace|folder):(.+)$/;

/**
 * Where it was done, in words: "workspace main" from the app's "did:key:…:workspace:main", "its
 * default target" for the CLI's (the device's own did, when no --target was named), else the
 * name the CLI was given.
 */
export function targetLabel(named: string, device: string): string {
  if (named === device) return 'its default target';
  // A target sits inside a sentence: a line break or a tab in it is shown, not laid out (the
  // page's guard escapes every other invisible character; the CLI escapes these too).
  const target = named.replace(/[\n\t]/g, escapeInvisible);
  const app = APP_TARGET.exec(target);
  if (app === null) return inlineName(target);
  const [, owner = '', kind = '', name = ''] = app;
  // A target is what the signer wrote: one naming another device's workspace is not its own
  // (any device may write any target), so it is not shown as if it were.
  if (device !== '' && owner !== device)
    return inlineName(`${kind} ${name} of another device (${owner.slice(0, 20)}…)`, 128);
  return inlineName(`${kind} ${name}`);
}

/**
 * What this device last did with the patch, in words for the top of its page ("Applied on this
 * device, to workspace main, at 2026-12-07 10:00:00 UTC"); undefined when it did nothing yet.
 * The verdict says whether the patch may be applied; this says whether it is.
 */
export function deviceLine(events: readonly DeviceAct[]): string | undefined {
  const last = lastDeviceAct(events);
  if (last === undefined) return undefined;
  const where = targetLabel(last.target, '');
  const when = ledgerTime(last.time);
  return last.reason === 'applied'
    ? `Applied on this device, to ${where}, at ${when}.`
    : `Rolled back on this device, on ${where}, at ${when}.`;
}

/**
 * Where this device last applied or rolled back the patch, as the Act panel's choice: its own
 * app target ("did:key:…:workspace:main"), else undefined (the CLI's, or another device's).
 */
export function lastTarget(
  events: readonly DeviceAct[],
  device: string | undefined,
): { kind: 'workspace' | 'folder'; name: string } | undefined {
  const last = lastDeviceAct(events);
  const app = last === undefined ? null : APP_TARGET.exec(last.target);
  if (app === null || app[1] !== device) return undefined;
  return { kind: app[2] === 'folder' ? 'folder' : 'workspace', name: app[3] ?? '' };
}

/** This device's newest apply or rollback of the patch among its events, if any. */
export function lastDeviceAct<E extends DeviceAct>(events: readonly E[]): E | undefined {
  return events.filter((e) => e.reason === 'applied' || e.reason === 'rolled-back').at(-1);
}
