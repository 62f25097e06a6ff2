/**
 * "A new version is ready — Reload": shown above every page once a new version of the app has
 * installed in the background. While this tab applies or syncs, the button is not offered and
 * the banner says what it waits for; the new version never takes over under running work
 * (app/update.ts, app/busy.ts).
 */
import { Show } from 'solid-js';
import { describeBusy, type BusyTask } from '../../app/busy.ts';
import { useServices } from '../../app/context.ts';
import type { UpdateState } from '../../app/update.ts';
import { lossWords } from '../../app/team-loss.ts';

interface BannerWords {
  text: string;
  /** The button's label; none while work runs or nothing is to be done. */
  action?: string;
}

/** What the banner says in each state, or undefined when there is nothing to say. */
export function bannerWords(
  state: UpdateState,
  tasks: readonly BusyTask[],
): BannerWords | undefined {
  const working = tasks.length > 0;
  const offer = (text: string, action: string, waits: string): BannerWords =>
    working ? { text: `${text} ${waits.replace('WORK', describeBusy(tasks))}` } : { text, action };
  switch (state.kind) {
    case 'ready':
      return offer(
        'A new version of patchtrail is ready.',
        'Reload',
        'It waits until WORK finishes.',
      );
    case 'waiting-for-work':
      return {
        text: 'The new version loads as soon as the work in progress (maybe in another tab) finishes…',
      };
    case 'installing':
      return { text: 'Loading the new version…' };
    case 'stale':
      return offer(
        'patchtrail was updated in another tab; this tab still runs the version it loaded.',
        'Reload',
        'Reload once WORK finishes.',
      );
    case 'failed':
      return offer(
        `The new version could not load: ${state.message}.`,
        'Try again',
        'Try again once WORK finishes.',
      );
    default:
      return undefined;
  }
}

/**
 * The team this tab had open closed under it (app/team-loss.ts): said first, in place of an
 * update's words, with a Reload button when only a reload lets the tab carry on.
 */
function LossBanner(props: { words: { text: string; reload: boolean } }) {
  return (
    <div class="notice notice-review update-banner" role="alert" data-testid="team-lost">
      <span>{props.words.text}</span>
      <Show when={props.words.reload}>
        <button type="button" class="button button-small" onClick={() => location.reload()}>
          Reload
        </button>
      </Show>
    </div>
  );
}

export function UpdateBanner() {
  const { updates, busy, teams } = useServices();
  const words = () => bannerWords(updates.state(), busy.tasks());
  const lost = () => {
    const loss = teams.lost();
    return loss === undefined ? undefined : lossWords(loss);
  };
  return (
    <Show when={lost()} fallback={<UpdateWords words={words()} />}>
      {(said) => <LossBanner words={said()} />}
    </Show>
  );
}

function UpdateWords(props: { words: BannerWords | undefined }) {
  const { updates } = useServices();
  return (
    <Show when={props.words}>
      {(said) => (
        <div class="notice update-banner" role="status" data-testid="update-banner">
          <span>{said().text}</span>
          <Show when={said().action}>
            {(label) => (
              <button
                type="button"
                class="button button-small"
                onClick={() => void updates.install()}
              >
                {label()}
              </button>
            )}
          </Show>
        </div>
      )}
    </Show>
  );
}
