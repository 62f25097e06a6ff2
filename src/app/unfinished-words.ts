/**
 * What the screens say about an apply or rollback that was cut short (unfinished.ts,
 * workflow.ts): loaded with the code that finishes it, so it stays out of the first screen.
 */
import { inlineName } from '../core/encoding/display.ts';
import { oneLineName, visible } from '../core/encoding/visible.ts';
import type { Finished } from './patch-actions.ts';
import { placeLabel } from './targets.ts';
import type { Unfinished } from './unfinished.ts';

/**
 * "Applying “fix.json” to workspace “main”". The names come from a file, a folder and this
 * browser's storage (anyone at the profile can edit it): shown inline, control and bidi
 * characters escaped, cut to a length a sentence holds.
 */
const shown = (name: string, max?: number) => inlineName(visible(oneLineName(name, 4096)), max);

function what(u: Unfinished): string {
  const place = placeLabel({ kind: u.place.kind, name: shown(u.place.name) });
  const file = shown(u.fileName);
  return u.kind === 'apply'
    ? `Applying “${file}” to ${place}`
    : `Rolling back “${file}” on ${place}`;
}

/** When it started, as stored (untrusted text, so shown inline and cut). */
const started = (u: Unfinished) => shown(u.started, 32);

/** Its bundle is no longer in the Inbox: the person must open it again. */
export function bundleMissingWords(u: Unfinished): string {
  return `${what(u)} was cut short (started ${started(u)}). Open that bundle file again to finish it: the app records what happened to the files.`;
}

/** A picked folder does not outlive the page: the person must pick it again. */
export function pickAgainWords(u: Unfinished): string {
  const verb = u.kind === 'apply' ? 'apply' : 'roll back';
  return `${what(u)} was cut short (started ${started(u)}). Open the patch, pick that folder again and ${verb}: the app first finishes and records what was cut short.`;
}

/** What looking again found, and what was recorded. */
export function finishedWords(u: Unfinished, state: Finished['state']): string {
  const again = u.kind === 'apply' ? 'Apply' : 'Roll';
  return {
    recorded: `${what(u)} was cut short after it was recorded: nothing was left to do.`,
    'nothing-changed': `${what(u)} was cut short before any file changed: nothing changed there and nothing was recorded. ${again} it again when you are ready.`,
    unclear: `${what(u)} was cut short, and the files there are now neither as before nor as after it: nothing was recorded. Check the files before you act on them.`,
    finished:
      u.kind === 'apply'
        ? `${what(u)} was cut short after the files changed. It is now finished and recorded on the ledger as applied, so it can be rolled back.`
        : `${what(u)} was cut short after the files were put back. It is now finished and recorded on the ledger as rolled back.`,
  }[state];
}
