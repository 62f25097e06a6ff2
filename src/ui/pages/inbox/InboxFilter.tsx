/**
 * Which of the Inbox's bundles to show, by what may be done with them: all, or one group
 * (inbox-words.ts's groupOf) with how many it holds. Radio buttons in a fieldset, so a keyboard
 * and a screen reader take them as one choice; shown once the bundles fall in two groups or more.
 */
import { For } from 'solid-js';
import { GROUP_LABELS, type InboxGroup } from './inbox-words.ts';

export function InboxFilter(props: {
  groups: [InboxGroup, number][];
  total: number;
  chosen: InboxGroup | undefined;
  onChoose: (group: InboxGroup | undefined) => void;
}) {
  const option = (group: InboxGroup | undefined, label: string, count: number) => (
    <label class="inbox-filter-option">
      <input
        type="radio"
        name="inbox-show"
        value={group ?? 'all'}
        checked={props.chosen === group}
        onChange={() => props.onChoose(group)}
      />
      <span>
        {label} <span class="inbox-filter-count">{count}</span>
      </span>
    </label>
  );
  return (
    <fieldset class="inbox-filter" data-testid="inbox-filter">
      <legend class="visually-hidden">Show</legend>
      {option(undefined, 'All', props.total)}
      <For each={props.groups}>{([group, count]) => option(group, GROUP_LABELS[group], count)}</For>
    </fieldset>
  );
}
