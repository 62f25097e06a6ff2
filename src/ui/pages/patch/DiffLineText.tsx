/**
 * One diff line's text: escaped pieces (bytes that are not UTF-8, invisible characters) marked
 * and titled, and, once the highlighter has loaded, code coloured by token. The op character
 * (+, -, space) is never coloured; escapes are never highlighted, only shown.
 */
import { For, Show } from 'solid-js';
import type { DiffLine, Piece } from './diff-lines.ts';
import type { Token } from './highlight.ts';

const PIECE_TITLES = {
  byte: 'a byte that is not UTF-8',
  control: 'an invisible or control character',
} as const;

export type Highlighter = (text: string) => Token[];

function EscapedPieces(props: { pieces: readonly Piece[] }) {
  return (
    <For each={props.pieces}>
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
  );
}

function Tokens(props: { text: string; highlight: Highlighter }) {
  return (
    <For each={props.highlight(props.text)}>
      {(token) =>
        token.kind === 'text' ? token.text : <span class={`tok-${token.kind}`}>{token.text}</span>
      }
    </For>
  );
}

const isCode = (line: DiffLine) =>
  line.kind === 'add' || line.kind === 'del' || line.kind === 'context';

/** The line as it reads; `highlight` is undefined until the highlighter loads (or for meta). */
export function DiffLineText(props: { line: DiffLine; highlight: Highlighter | undefined }) {
  return (
    <>
      <LineText line={props.line} highlight={props.highlight} />
      <Show when={props.line.more}>
        {(more) => (
          <span class="dmore" data-testid="diff-line-more">
            {' '}
            … {more().toLocaleString('en')} more characters of this line, not shown
          </span>
        )}
      </Show>
    </>
  );
}

function LineText(props: { line: DiffLine; highlight: Highlighter | undefined }) {
  return (
    <Show
      when={props.line.pieces}
      fallback={
        <Show
          when={props.highlight !== undefined && isCode(props.line)}
          fallback={props.line.text === '' ? ' ' : props.line.text}
        >
          {props.line.text.slice(0, 1)}
          <Tokens text={props.line.text.slice(1)} highlight={props.highlight as Highlighter} />
        </Show>
      }
    >
      {(pieces) => <EscapedPieces pieces={pieces()} />}
    </Show>
  );
}
