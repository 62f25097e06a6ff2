/**
 * What a workspace holds, and its files in and out: a folder copied in (the tree the patch is
 * for; a workspace that holds files asks first, since the copy replaces them), and the files
 * downloaded as a ZIP archive after an apply. Nothing else can reach a workspace: it lives in
 * the browser's private storage.
 */
import { createEffect, createSignal, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { pickedFolder, type PickedFolder } from '../../../app/workspace-files.ts';
import { downloadFile } from '../../components/download.ts';
import { counted, formatBytes } from '../../components/format.ts';

type Said = { ok: boolean; text: string };

export function WorkspaceFiles(props: { name: string }) {
  const { workflow } = useServices();
  const [revision, setRevision] = createSignal(0);
  // Counted again after anything that may have changed the workspace (an apply, a copy), but
  // not while an action runs (it would read a tree being written): the last count stays. A
  // signal, not a resource: a resource would suspend the whole page (and its results) each time.
  const [count, setCount] = createSignal<number | undefined>();
  const [counting, setCounting] = createSignal(true);
  let asked = 0;
  createEffect(() => {
    if (workflow.activity() !== undefined) return;
    const name = props.name;
    revision();
    const mine = ++asked;
    setCounting(true);
    void workflow.workspaces.count(name).then((n) => {
      if (mine !== asked) return;
      setCount(n);
      setCounting(false);
    });
  });
  const [pending, setPending] = createSignal<PickedFolder>();
  const [progress, setProgress] = createSignal<{ done: number; total: number }>();
  const [said, setSaid] = createSignal<Said>();
  const busy = () => workflow.activity() !== undefined;
  let picker: HTMLInputElement | undefined;
  const label = () => `workspace “${props.name}”`;

  const fill = async (folder: PickedFolder) => {
    setPending(undefined);
    setSaid(undefined);
    const done = await workflow.workspaces.fill(props.name, folder, (d, total) =>
      setProgress({ done: d, total }),
    );
    setProgress(undefined);
    setRevision((n) => n + 1);
    if (!done.ok) {
      setSaid({
        ok: false,
        text: `Not copied: ${done.code} ${done.message}. Nothing in the ${label()} changed.`,
      });
      return;
    }
    const left =
      folder.skipped > 0
        ? ` ${counted(folder.skipped, 'file', 'files')} under .git or .patchtrail left out.`
        : '';
    const removed =
      done.value.removed > 0
        ? `, ${counted(done.value.removed, 'file', 'files')} it lacked removed`
        : '';
    setSaid({
      ok: true,
      text: `Copied ${counted(done.value.written, 'file', 'files')} of folder “${folder.name}” into the ${label()}${removed}.${left}`,
    });
  };

  const choose = (event: Event & { currentTarget: HTMLInputElement }) => {
    const input = event.currentTarget;
    if (busy()) return void (input.value = '');
    const folder = pickedFolder([...(input.files ?? [])]);
    input.value = '';
    // A cancelled picker fires no change event: no files here is a folder that holds none.
    if (folder.files.length === 0 && folder.skipped === 0)
      return void setSaid({ ok: false, text: 'Not copied: that folder holds no files.' });
    if ((count() ?? 0) > 0) setPending(folder);
    else void fill(folder);
  };

  const download = async () => {
    setSaid(undefined);
    const done = await workflow.workspaces.zip(props.name, (d, total) =>
      setProgress({ done: d, total }),
    );
    setProgress(undefined);
    if (!done.ok) setSaid({ ok: false, text: `Not downloaded: ${done.code} ${done.message}.` });
    else downloadFile(done.value, `${props.name}.zip`, 'application/zip');
  };

  return (
    <div class="stack-tight" data-testid="workspace-files">
      <p class="small" data-testid="workspace-count" data-count={count() ?? ''}>
        <Show
          when={count() !== undefined}
          fallback={
            counting() ? 'Reading the workspace…' : 'This browser cannot read the workspace.'
          }
        >
          <Show
            when={(count() ?? 0) > 0}
            fallback={
              <>
                <strong>Empty.</strong> A patch that changes files needs them here: copy in the
                folder it is for.
              </>
            }
          >
            Holds {counted(count() ?? 0, 'file', 'files')}.
          </Show>
        </Show>
      </p>
      <div class="form-row">
        <input
          id="workspace-folder"
          class="visually-hidden"
          type="file"
          // The folder's files, each with its path inside it (every browser has it).
          {...{ webkitdirectory: true }}
          multiple
          // Not disabled while busy: a disabled input loses the focus (to <body>).
          aria-disabled={busy()}
          data-testid="workspace-folder-input"
          ref={picker}
          onClick={(event) => {
            if (busy()) event.preventDefault();
          }}
          onChange={choose}
        />
        <label for="workspace-folder" class="button button-quiet" aria-disabled={busy()}>
          Copy a folder in…
        </label>
        <button
          type="button"
          class="button button-quiet"
          disabled={busy() || (count() ?? 0) === 0}
          onClick={() => void download()}
        >
          Download as .zip
        </button>
      </div>
      <Show when={pending()}>
        {(folder) => (
          <div
            class="notice stack-tight"
            role="alertdialog"
            aria-labelledby="replace-question"
            data-testid="workspace-replace"
          >
            <p id="replace-question">
              Replace the {counted(count() ?? 0, 'file', 'files')} of the {label()} with the{' '}
              {counted(folder().files.length, 'file', 'files')} ({formatBytes(folder().bytes)}) of
              folder “{folder().name}”? Files the folder lacks are removed from the workspace.
            </p>
            <div class="form-row">
              <button
                type="button"
                class="button button-danger"
                onClick={() => {
                  // The question goes away: focus back on the control that asked.
                  picker?.focus();
                  void fill(folder());
                }}
              >
                Replace
              </button>
              <button
                type="button"
                class="button button-quiet"
                onClick={() => {
                  picker?.focus();
                  setPending(undefined);
                }}
              >
                Cancel
              </button>
            </div>
          </div>
        )}
      </Show>
      <Show when={progress()}>
        {(p) => (
          <p role="status" data-testid="workspace-progress">
            {workflow.activity()?.kind === 'download' ? 'Reading files' : 'Copying'}…{' '}
            <progress class="progress" max={p().total || 1} value={p().done} />
          </p>
        )}
      </Show>
      <Show when={said()}>
        {(s) => (
          <p
            class={s().ok ? 'notice' : 'notice notice-denied'}
            role={s().ok ? 'status' : 'alert'}
            data-testid="workspace-said"
            data-ok={s().ok ? 'yes' : 'no'}
          >
            {s().text}
          </p>
        )}
      </Show>
    </div>
  );
}
