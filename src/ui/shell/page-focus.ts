/**
 * Where keyboard focus goes as the page changes under it, so that it never falls to <body>:
 * there a keyboard user starts again from the top of the page and a screen reader says
 * nothing. A new route gives focus to its page's heading once the page shows it; an element
 * that held focus and left the page (a form replaced by what it made, a list re-rendered) or
 * was switched off gives it to the page's heading too.
 */

/**
 * Focuses `element`, made focusable by script (not by Tab) if it was not focusable.
 * `preventScroll`: the page stays where the person scrolled it.
 */
export function focusElement(element: HTMLElement, preventScroll = false): void {
  if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
  element.focus({ preventScroll });
}

/** The page's heading, or `main` itself while the page has none. */
function pageHeading(main: HTMLElement): HTMLElement {
  return main.querySelector<HTMLElement>('h1') ?? main;
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

/**
 * Watches for focus falling to <body> because the element that held it was removed or
 * disabled, and gives it to the page's heading in `main`. A click on nothing, or the window
 * losing focus, leaves focus where the user put it. Returns what stops watching.
 */
export function keepFocusOnPage(main: HTMLElement): () => void {
  const lost = (event: FocusEvent) => {
    const from = event.target;
    if (event.relatedTarget !== null || !(from instanceof HTMLElement)) return;
    requestAnimationFrame(() => {
      const now = document.activeElement;
      if (now !== null && now !== document.body) return;
      if (!document.hasFocus()) return;
      if (from.isConnected && !from.matches(':disabled')) return;
      // Without scrolling: a row that left a virtual list as the person scrolled it away (a
      // link in it had focus) must not throw the page back to its top.
      focusElement(pageHeading(main), true);
    });
  };
  document.addEventListener('focusout', lost);
  return () => document.removeEventListener('focusout', lost);
}
