/**
 * Words for a team that closed under this tab (TeamLoss, ./team.ts): what happened and what to
 * do next, for the banner above every page and for an action that could not be recorded.
 */
import type { TeamLoss } from './team.ts';

export interface LossWords {
  /** What happened, and what to do next. */
  text: string;
  /** Whether only a reload lets this tab carry on. */
  reload: boolean;
}

/** The banner's words for a loss. */
export function lossWords(loss: TeamLoss): LossWords {
  switch (loss.kind) {
    case 'forgotten':
      return {
        text: `“${loss.name}” was forgotten on this device in another tab of patchtrail: this tab closed it too, and nothing more is recorded on its ledger here.`,
        reload: false,
      };
    case 'upgraded':
      return {
        text: `A newer version of patchtrail, opened in another tab, needs “${loss.name}”’s ledger on this device: this tab closed it. Reload this tab to carry on.`,
        reload: true,
      };
    case 'cleared':
      return {
        text: 'This browser removed patchtrail’s data on this device: its identity, its teams and their ledgers, and its workspaces. Nothing more can be recorded here. Reload, then join your team again with an invitation from a teammate.',
        reload: true,
      };
  }
}

/** Why an action on the team is not recorded: its ledger closed under this tab. */
export function notRecorded(loss: TeamLoss | undefined): string {
  const why =
    loss?.kind === 'forgotten'
      ? `“${loss.name}” was forgotten on this device in another tab`
      : loss?.kind === 'upgraded'
        ? 'a newer version of patchtrail in another tab needs this team’s ledger'
        : loss?.kind === 'cleared'
          ? 'this browser removed patchtrail’s data on this device'
          : 'this team’s ledger was closed in this tab';
  return `${why}, so this is not recorded on the team’s ledger`;
}
