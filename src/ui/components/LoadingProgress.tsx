import { Show } from 'solid-js';
import { counted, formatCount } from './format.ts';

/**
 * Progress while a team ledger opens: its stored entries are checked again as they load. A
 * large ledger read in a worker has no total until the end (nothing counted it first): the
 * count done shows alone and the bar only says it is busy.
 */
export function LoadingProgress(props: { done: number; total: number }) {
  return (
    <p role="status" data-testid="ledger-loading">
      Opening the team ledger…{' '}
      {props.total > 0
        ? `${formatCount(props.done)} of ${counted(props.total, 'entry', 'entries')} checked`
        : props.done > 0
          ? `${counted(props.done, 'entry', 'entries')} checked`
          : ''}
      <Show
        when={props.total > 0}
        fallback={<progress class="progress" aria-label="Opening the team ledger" />}
      >
        <progress
          class="progress"
          aria-label="Opening the team ledger"
          max={props.total}
          value={props.done}
        />
      </Show>
    </p>
  );
}
