/** A button that copies a value to the clipboard and says so (politely, to screen readers too). */
import { createSignal, onCleanup } from 'solid-js';
import { copyDidLabel } from './format.ts';
import { CopyIcon } from './icons.tsx';

export function CopyButton(props: { value: string; label: string; class?: string }) {
  const [said, setSaid] = createSignal('');
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setSaid('Copied');
    } catch {
      setSaid('Could not copy: select the text and copy it');
    }
    clearTimeout(timer);
    timer = setTimeout(() => setSaid(''), 2500);
  };
  return (
    <span class="copy">
      <button
        type="button"
        class={`button button-quiet button-small ${props.class ?? ''}`}
        aria-label={props.label}
        title={props.label}
        onClick={() => void copy()}
      >
        <CopyIcon />
        <span class="copy-text">Copy</span>
      </button>
      <span class="copy-said" role="status" aria-live="polite">
        {said()}
      </span>
    </span>
  );
}

/**
 * A did:key, shortened for reading, full in its title and in what the copy button copies;
 * `owner` names whose it is in the button's name, where a page lists several.
 */
export function Did(props: { did: string; copy?: boolean; owner?: string | undefined }) {
  const short = () => `${props.did.slice(0, 14)}…${props.did.slice(-6)}`;
  return (
    <span class="did-short">
      <code title={props.did} data-did={props.did}>
        {short()}
      </code>
      {props.copy === false ? null : (
        <CopyButton value={props.did} label={copyDidLabel(props.owner)} />
      )}
    </span>
  );
}
