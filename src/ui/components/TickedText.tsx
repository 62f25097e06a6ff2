/**
 * Text from the policy engine, whose messages quote names between backticks (``0 of 1
 * `reviewed` attestation``): each quoted piece is shown as code rather than with its
 * backticks, the rest as plain text. Nothing is parsed as markup, so any text is safe here.
 */
import { For } from 'solid-js';
import './ticked.css';

/** The pieces of `text`: those that were between backticks are code. A lone backtick stays. */
export function tickedPieces(text: string): { text: string; code: boolean }[] {
  return text
    .split(/`([^`]+)`/)
    .map((piece, i) => ({ text: piece, code: i % 2 === 1 }))
    .filter((piece) => piece.text !== '');
}

export function TickedText(props: { text: string }) {
  return (
    <For each={tickedPieces(props.text)}>
      {(piece) => (piece.code ? <code class="ticked">{piece.text}</code> : piece.text)}
    </For>
  );
}
