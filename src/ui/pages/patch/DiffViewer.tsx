/**
 * The patch's diff, unified or side by side, from its exact bytes (diff-lines.ts escapes what
 * is not UTF-8 or invisible). Only the rows in view are in the DOM (VirtualList), the model is
 * built in slices with a progress bar, and the highlighter loads lazily: an 8 MiB diff opens
 * without freezing the page, and the first screen never carries the highlighter.
 */
import { Tabs } from '@kobalte/core/tabs';
import {
  createEffect,
  createSignal,
  on,
  onCleanup,
  onMount,
  Show,
  type Accessor,
  type JSX,
} from 'solid-js';
import { patchDiffContent, type PatchDiffFields } from '../../../core/bundle/diff-encoding.ts';
import { VirtualList } from '../../components/VirtualList.tsx';
import { counted } from '../../components/format.ts';
import { DiffLineText, type Highlighter } from './DiffLineText.tsx';
import type { highlight, languageOf } from './highlight.ts';
import {
  buildDiffModelInSlices,
  spokenKind,
  type DiffModel,
  type DiffRow,
  type SplitRow,
} from './diff-rows.ts';

interface HighlightModule {
  languageOf: typeof languageOf;
  highlight: typeof highlight;
}

/** Every row's height in CSS pixels (diff.css sets the same line height). */
const ROW = 22;

function boxHeight(rows: number): string {
  return `min(${rows * ROW + 2}px, 65vh)`;
}

function Cell(props: {
  row: DiffRow | undefined;
  no: 'oldNo' | 'newNo';
  highlight: (row: DiffRow) => Highlighter | undefined;
}) {
  return (
    <Show when={props.row} fallback={<span class="dcell dcell-empty" />}>
      {(row) => (
        <span class={`dcell drow-${row().kind}`}>
          <span class="dno" aria-hidden="true">
            {row()[props.no] ?? ''}
          </span>
          <span class="dtext" data-kind={row().kind}>
            <span class="visually-hidden">
              {spokenKind(row().kind, props.no === 'oldNo' ? 'old' : 'new')}
            </span>
            <DiffLineText line={row()} highlight={props.highlight(row())} />
          </span>
        </span>
      )}
    </Show>
  );
}

function UnifiedRow(props: {
  row: Accessor<DiffRow>;
  highlight: (row: DiffRow) => Highlighter | undefined;
}) {
  return (
    <div class={`drow drow-${props.row().kind}`}>
      <span class="dno" aria-hidden="true">
        {props.row().oldNo ?? ''}
      </span>
      <span class="dno" aria-hidden="true">
        {props.row().newNo ?? ''}
      </span>
      <span class="dtext" data-kind={props.row().kind}>
        <span class="visually-hidden">{spokenKind(props.row().kind)}</span>
        <DiffLineText line={props.row()} highlight={props.highlight(props.row())} />
      </span>
    </div>
  );
}

function SplitRowView(props: {
  row: Accessor<SplitRow>;
  highlight: (row: DiffRow) => Highlighter | undefined;
}) {
  return (
    <Show
      when={props.row().full}
      fallback={
        <div class="drow drow-split">
          <Cell row={props.row().left} no="oldNo" highlight={props.highlight} />
          <Cell row={props.row().right} no="newNo" highlight={props.highlight} />
        </div>
      }
    >
      {(full) => (
        <div class={`drow drow-${full().kind}`}>
          <span class="dtext" data-kind={full().kind}>
            <DiffLineText line={full()} highlight={undefined} />
          </span>
        </div>
      )}
    </Show>
  );
}

/**
 * The side by side halves' widths for diff.css: each as wide as its widest line, so a long
 * line is scrolled to rather than cut at the half (the rows are not all in the DOM to be
 * measured, and wrapping would break their one height).
 */
function splitColumns(columns: DiffModel['columns']): JSX.CSSProperties {
  return {
    '--split-left': `${columns.left}ch`,
    '--split-right': `${columns.right}ch`,
    '--split-full': `${columns.full}ch`,
  };
}

/**
 * `diff`: the predicate's diff fields; a text diff is encoded to its bytes in slices, with
 * the rest of the model (see buildDiffModelInSlices).
 */
export function DiffViewer(props: { diff: PatchDiffFields }) {
  const [model, setModel] = createSignal<DiffModel>();
  const [progress, setProgress] = createSignal({ done: 0, total: 0 });
  const [highlighter, setHighlighter] = createSignal<HighlightModule>();
  let build = 0;
  createEffect(
    on(
      () => props.diff,
      (fields) => {
        const mine = ++build;
        setModel(undefined);
        void buildDiffModelInSlices(patchDiffContent(fields), {
          progress: (done, total) => mine === build && setProgress({ done, total }),
          cancelled: () => mine !== build,
        }).then((built) => built !== undefined && mine === build && setModel(built));
      },
    ),
  );
  onCleanup(() => build++);
  // On a phone the new side lies past the edge, and a scroll bar may not show until touched.
  const [wider, setWider] = createSignal(false);
  const watchWidth = (content: HTMLDivElement) => {
    const observer = new ResizeObserver(() => {
      const box = content.querySelector<HTMLElement>('[data-testid="diff-split"]');
      setWider(box !== null && box.scrollWidth > box.clientWidth + 1);
    });
    observer.observe(content);
    onCleanup(() => observer.disconnect());
  };
  onMount(() => void import('./highlight.ts').then(setHighlighter));
  /** A highlighter per file, by extension; undefined until the module has loaded. */
  const highlightFor = (row: DiffRow): Highlighter | undefined => {
    const module = highlighter();
    if (module === undefined) return undefined;
    const language = module.languageOf(model()?.files[row.file] ?? '');
    return language === undefined ? undefined : (text) => module.highlight(text, language);
  };
  return (
    <section class="panel" aria-labelledby="diff-title" data-testid="diff-panel">
      <h2 id="diff-title">
        Diff{' '}
        <Show when={model()}>
          {(m) => (
            <span class="diff-stats">
              <span class="stat-add">+{m().adds}</span> <span class="stat-del">−{m().dels}</span>{' '}
              <span class="muted">in {counted(m().files.length - 1, 'file', 'files')}</span>
            </span>
          )}
        </Show>
      </h2>
      <Show
        when={model()}
        fallback={
          <p role="status" data-testid="diff-progress">
            Reading the diff…{' '}
            {progress().total > 0 ? `${progress().done} of ${progress().total} lines` : ''}
            <progress class="progress" max={progress().total || 1} value={progress().done} />
          </p>
        }
      >
        {(m) => (
          <Tabs class="tabs" defaultValue="unified">
            <Tabs.List class="tab-list" aria-label="Diff layout">
              <Tabs.Trigger class="tab" value="unified">
                Unified
              </Tabs.Trigger>
              <Tabs.Trigger class="tab" value="split">
                Side by side
              </Tabs.Trigger>
            </Tabs.List>
            <Tabs.Content value="unified">
              <VirtualList
                items={m().rows}
                rowHeight={ROW}
                label="Diff, unified"
                testid="diff"
                class="diff"
                height={boxHeight(m().rows.length)}
              >
                {(row) => <UnifiedRow row={row} highlight={highlightFor} />}
              </VirtualList>
            </Tabs.Content>
            <Tabs.Content value="split" style={splitColumns(m().columns)} ref={watchWidth}>
              <Show when={wider()}>
                <p class="muted small" data-testid="diff-split-wider">
                  Wider than the screen: scroll it sideways to see the new lines on the right.
                </p>
              </Show>
              <VirtualList
                items={m().split}
                rowHeight={ROW}
                label="Diff, side by side"
                testid="diff-split"
                class="diff diff-split"
                height={boxHeight(m().split.length)}
              >
                {(row) => <SplitRowView row={row} highlight={highlightFor} />}
              </VirtualList>
            </Tabs.Content>
          </Tabs>
        )}
      </Show>
    </section>
  );
}
