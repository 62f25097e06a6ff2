/** The patch's unified diff, added and removed lines marked (by their +/- and by colour). */
import { createMemo, For, Show } from 'solid-js';
import { classifyDiff } from '../../components/format.ts';

/** Beyond this many lines the view shows a note instead of building more DOM. */
const MAX_SHOWN_LINES = 20_000;

export function DiffView(props: { diff: string }) {
  const lines = createMemo(() => classifyDiff(props.diff));
  const shown = () => lines().slice(0, MAX_SHOWN_LINES);
  const count = (kind: 'add' | 'del') => lines().filter((line) => line.kind === kind).length;
  return (
    <section class="panel" aria-labelledby="diff-title">
      <h2 id="diff-title">
        Diff{' '}
        <span class="diff-stats">
          <span class="stat-add">+{count('add')}</span>{' '}
          <span class="stat-del">−{count('del')}</span>
        </span>
      </h2>
      <pre class="diff" data-testid="diff" tabindex="0" aria-labelledby="diff-title">
        <code>
          <For each={shown()}>
            {(line) => (
              <span class={`diff-line diff-${line.kind}`} data-kind={line.kind}>
                {line.text === '' ? ' ' : line.text}
              </span>
            )}
          </For>
        </code>
      </pre>
      <Show when={lines().length > MAX_SHOWN_LINES}>
        <p class="muted">
          Showing the first {MAX_SHOWN_LINES} of {lines().length} lines.
        </p>
      </Show>
    </section>
  );
}
