/**
 * The patch's unified diff, added and removed lines marked (by their +/- and by colour). The
 * diff is shown from its exact bytes: bytes that are not UTF-8 and invisible characters appear
 * escaped and marked (diff-lines.ts), never as U+FFFD or as nothing.
 */
import { createMemo, For, Show } from 'solid-js';
import { classifyDiff, type DiffLine } from './diff-lines.ts';

/** Beyond this many lines the view shows a note instead of building more DOM. */
const MAX_SHOWN_LINES = 20_000;

const PIECE_TITLES = {
  byte: 'a byte that is not UTF-8',
  control: 'an invisible or control character',
} as const;

function LineText(props: { line: DiffLine }) {
  return (
    <Show when={props.line.pieces} fallback={props.line.text === '' ? ' ' : props.line.text}>
      {(pieces) => (
        <For each={pieces()}>
          {(piece) =>
            piece.kind === 'text' ? (
              piece.text
            ) : (
              <span class={`escaped escaped-${piece.kind}`} title={PIECE_TITLES[piece.kind]}>
                {piece.text}
              </span>
            )
          }
        </For>
      )}
    </Show>
  );
}

export function DiffView(props: { diff: Uint8Array }) {
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
                <LineText line={line} />
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
