/**
 * Where keyboard focus goes as the page changes under it, so that it never stays behind on a
 * link or falls to <body>, where a keyboard user starts again from the top of the page and a
 * screen reader says nothing: a new route gives focus to its page's heading once the page
 * shows it.
 */

/** Focuses `element`, made focusable by script (not by Tab) if it was not focusable. */
export function focusElement(element: HTMLElement): void {
  if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
  element.focus();
}

/**
 * After a route change: focuses the page's `<h1>` once it is shown (a lazy page, a page waiting
 * for its team or its verdict), for at most `timeout` ms, unless focus was moved meanwhile (the
 * user went on). Returns what stops looking.
 */
export function focusHeadingWhenShown(main: HTMLElement, timeout = 5000): () => void {
  const from = document.activeElement;
  const started = performance.now();
  let frame = 0;
  const moved = () => {
    const now = document.activeElement;
    return now !== null && now !== document.body && now !== from && now !== main;
  };
  const look = () => {
    if (moved()) return;
    const heading = main.querySelector<HTMLElement>('h1');
    if (heading !== null) focusElement(heading);
    else if (performance.now() - started < timeout) frame = requestAnimationFrame(look);
  };
  frame = requestAnimationFrame(look);
  return () => cancelAnimationFrame(frame);
}
