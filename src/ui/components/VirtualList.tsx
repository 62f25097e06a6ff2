/**
 * A list that keeps only the rows in view (plus a few) in the DOM, so ten thousand entries
 * scroll like ten. Rows have one fixed height; the list scrolls inside its own box. Screen
 * readers get each row's position and the list's size (aria-posinset / aria-setsize).
 */
import {
  createMemo,
  createSignal,
  Index,
  onCleanup,
  onMount,
  type Accessor,
  type JSX,
} from 'solid-js';
import './virtual-list.css';

export interface VirtualListProps<T> {
  items: readonly T[];
  /** Every row's height in CSS pixels. */
  rowHeight: number;
  label: string;
  /** Rows kept beyond each edge of the view. */
  overscan?: number;
  testid?: string;
  /** A CSS height for the box (default: min(65vh, 40rem), from virtual-list.css). */
  height?: string;
  /** Extra classes for the box. */
  class?: string;
  /** Renders a row from its item's accessor: rows are reused, so read it where it is shown. */
  children: (item: Accessor<T>) => JSX.Element;
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  let viewport: HTMLDivElement | undefined;
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewHeight, setViewHeight] = createSignal(800);
  onMount(() => {
    if (viewport === undefined) return;
    const box = viewport;
    setViewHeight(box.clientHeight);
    const observer = new ResizeObserver(() => setViewHeight(box.clientHeight));
    observer.observe(box);
    onCleanup(() => observer.disconnect());
  });
  const range = createMemo(() => {
    const overscan = props.overscan ?? 8;
    const count = props.items.length;
    // When the list shrinks (a filter) the box clamps its scroll offset without a scroll
    // event, so the last offset seen may be past the end: clamp it the same way.
    const top = Math.min(scrollTop(), Math.max(0, count * props.rowHeight - viewHeight()));
    const first = Math.max(0, Math.floor(top / props.rowHeight) - overscan);
    const last = Math.min(count, Math.ceil((top + viewHeight()) / props.rowHeight) + overscan);
    return { first, last: Math.max(first, last) };
  });
  const shown = createMemo(() => props.items.slice(range().first, range().last));
  return (
    <div
      class={props.class === undefined ? 'vlist' : `vlist ${props.class}`}
      style={props.height === undefined ? undefined : { height: props.height }}
      ref={viewport}
      tabindex="0"
      role="list"
      aria-label={props.label}
      data-testid={props.testid}
      data-count={props.items.length}
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <div class="vlist-space" style={{ height: `${props.items.length * props.rowHeight}px` }}>
        {/* Index, not For: a row's DOM stays and takes the next item's text as the list
            scrolls, instead of being thrown away and built again. */}
        <Index each={shown()}>
          {(item, index) => (
            <div
              class="vlist-row"
              role="listitem"
              aria-setsize={props.items.length}
              aria-posinset={range().first + index + 1}
              style={{
                transform: `translateY(${(range().first + index) * props.rowHeight}px)`,
                height: `${props.rowHeight}px`,
              }}
            >
              {props.children(item)}
            </div>
          )}
        </Index>
      </div>
    </div>
  );
}
