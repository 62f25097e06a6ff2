/**
 * Every text the app shows, made visible (core/encoding/visible.ts): names, reasons, notes,
 * file and component names reach the page from bundles, ledgers and peers, in dozens of places,
 * and one missed place is enough for a U+202E to reverse what a verdict appears to say. So the
 * guard sits below every screen: it escapes the invisible characters of each text node and of
 * the attributes people see or hear (`title`, `aria-label`, `alt`, `placeholder`) under a root
 * (the document's body, where dialogs and toasts are portalled too), now and whenever they are
 * added or change, in the mutation observer's microtask, before the page is painted.
 *
 * Not touched: what a person types (form fields keep their value; a textarea's text is its
 * value), `<style>` and `<script>`. Views that escape on their own (the diff, whose escapes are
 * marked) leave nothing for the guard to do.
 */
import { hasInvisible, visible } from '../core/encoding/visible.ts';

const ATTRIBUTES = ['title', 'aria-label', 'alt', 'placeholder'];
const UNTOUCHED = new Set(['STYLE', 'SCRIPT', 'TEXTAREA']);

function guardText(node: Text): void {
  if (UNTOUCHED.has(node.parentElement?.tagName ?? '')) return;
  if (hasInvisible(node.data)) node.data = visible(node.data);
}

function guardAttributes(element: Element): void {
  for (const name of ATTRIBUTES) {
    const value = element.getAttribute(name);
    if (value !== null && hasInvisible(value)) element.setAttribute(name, visible(value));
  }
}

/** The text nodes and elements under `node` (itself included). */
function guardTree(node: Node): void {
  if (node instanceof Text) return guardText(node);
  if (!(node instanceof Element || node instanceof DocumentFragment)) return;
  if (node instanceof Element) {
    if (UNTOUCHED.has(node.tagName)) return;
    guardAttributes(node);
  }
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  for (let next = walker.nextNode(); next !== null; next = walker.nextNode()) {
    if (next instanceof Text) guardText(next);
    else if (next instanceof Element) guardAttributes(next);
  }
}

function guardRecord(record: MutationRecord): void {
  if (record.type === 'characterData' && record.target instanceof Text) guardText(record.target);
  else if (record.type === 'attributes' && record.target instanceof Element)
    guardAttributes(record.target);
  else record.addedNodes.forEach(guardTree);
}

/** Escapes invisible characters under `root` from now on; returns the function that stops. */
export function guardVisibleText(root: Node): () => void {
  guardTree(root);
  const observer = new MutationObserver((records) => records.forEach(guardRecord));
  observer.observe(root, {
    subtree: true,
    childList: true,
    characterData: true,
    attributes: true,
    attributeFilter: ATTRIBUTES,
  });
  return () => observer.disconnect();
}
