/**
 * The kiosk's words for a passer-by: the state in two or three words, then one plain
 * sentence; where an update came from; why a bundle waits. Pure.
 */
import type { KioskState, VersionRow, WaitingRow } from '../../../app/kiosk.ts';

export const STATE_WORDS: Record<KioskState, { title: string; line: string }> = {
  starting: { title: 'Starting…', line: 'Checking the team ledger and this kiosk’s files.' },
  'up-to-date': {
    title: 'Up to date',
    line: 'Running the newest update the team’s policy allows on this kiosk.',
  },
  updating: { title: 'Updating…', line: 'Please wait: an update is being applied.' },
  'needs-attention': {
    title: 'Needs attention',
    line: 'This kiosk is working, but something below needs a team member.',
  },
};

export const sourceWords = (source: VersionRow['source']): string =>
  source === 'folder' ? 'from its folder' : source === 'peer' ? 'from a team peer' : '';

export const eventWords: Record<VersionRow['what'], string> = {
  applied: 'Applied',
  'rolled-back': 'Rolled back',
  rejected: 'Refused',
};

const WAITING_WORDS: Record<WaitingRow['state'], string> = {
  refused: 'Refused by the team’s policy',
  stale: 'Waiting for a fresher ledger',
  flagged: 'Flagged by an admin: not applied',
  'no-policy': 'No policy in force: nothing is applied',
  failed: 'Could not be applied',
};

/**
 * Why a bundle waits, in a few words. A refusal is the policy's only when the policy denied
 * it; the check may refuse a bundle before the policy is asked (an author the team does not
 * know, a change no apply carries out), and its reasons, listed under it, say which.
 */
export function waitingWords(row: Pick<WaitingRow, 'state' | 'code'>): string {
  if (row.state === 'refused' && row.code !== 'POLICY_DENIED') return 'Refused';
  return WAITING_WORDS[row.state];
}

/** "sha256:abcd…" shortened to its first 12 hex digits. */
export const shortHash = (hash: string): string =>
  hash.startsWith('sha256:') ? `${hash.slice(7, 19)}…` : hash.slice(0, 12);
