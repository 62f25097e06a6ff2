/**
 * The admin's choice, at setup, of where a kiosk takes updates from and what it keeps up to
 * date: this browser's private storage (the default), or real folders picked with the File
 * System Access picker. The picked handles are kept by the kiosk service; this only shows
 * their names and lets the admin go back to the default.
 */
import { createSignal, For, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { FolderNeed } from '../../../app/kiosk.ts';

export type PickedFolders = Partial<Record<FolderNeed['role'], string>>;

const ROWS: { role: FolderNeed['role']; label: string; fallback: string }[] = [
  {
    role: 'watch',
    label: 'Folder it takes updates from',
    fallback: 'This browser’s private storage (folder “kiosk-drop”)',
  },
  {
    role: 'target',
    label: 'Folder it keeps up to date',
    fallback: 'This browser’s private storage (workspace “kiosk”)',
  },
];

export function KioskFolders(props: {
  picked: PickedFolders;
  onChange: (next: PickedFolders) => void;
}) {
  const { kiosk } = useServices();
  const [failure, setFailure] = createSignal<string>();
  const pick = async (role: FolderNeed['role']) => {
    setFailure(undefined);
    try {
      const name = await kiosk.pickFolder(role);
      if (name !== undefined) props.onChange({ ...props.picked, [role]: name });
    } catch (error) {
      setFailure(`No folder was chosen: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const useDefault = (role: FolderNeed['role']) => {
    const { watch, target } = props.picked;
    const keep = role === 'watch' ? { target } : { watch };
    props.onChange(Object.fromEntries(Object.entries(keep).filter(([, v]) => v !== undefined)));
  };
  return (
    <Show when={kiosk.canPickFolders()}>
      <fieldset class="stack-tight kiosk-folders">
        <legend class="label">Folders (optional)</legend>
        <For each={ROWS}>
          {(row) => (
            <div class="kiosk-folder-row" data-testid={`kiosk-folder-${row.role}`}>
              <span>
                {row.label}:{' '}
                <strong data-testid={`kiosk-folder-${row.role}-name`}>
                  {props.picked[row.role] ?? row.fallback}
                </strong>
              </span>
              <span class="form-row">
                <button
                  class="button button-quiet"
                  type="button"
                  onClick={() => void pick(row.role)}
                >
                  {`Choose: ${row.label.toLowerCase()}…`}
                </button>
                <Show when={props.picked[row.role]}>
                  <button
                    class="button button-quiet"
                    type="button"
                    onClick={() => useDefault(row.role)}
                  >
                    Use private storage
                  </button>
                </Show>
              </span>
            </div>
          )}
        </For>
        <Show when={failure()}>{(why) => <p class="notice notice-denied">{why()}</p>}</Show>
      </fieldset>
    </Show>
  );
}
