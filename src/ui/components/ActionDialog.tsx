/**
 * A small modal form on Kobalte's Dialog (focus trap, Escape, labelled title and description),
 * giving focus back to the button that opened it: the shared frame of the Team screen's endorse
 * and revoke, Settings' forget, the Patch page's roll back and remove.
 */
import { Dialog } from '@kobalte/core/dialog';
import { createComputed, createSignal, on, Show, type JSX } from 'solid-js';
import './dialog.css';

export interface ActionDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: string;
  submitLabel: string;
  danger?: boolean;
  /** Runs the action; a returned string is shown as the reason it failed. */
  onSubmit: () => Promise<string | undefined>;
  children: JSX.Element;
}

export function ActionDialog(props: ActionDialogProps) {
  // Kobalte gives focus back to its own Trigger when the dialog closes; these dialogs are opened
  // by a plain button (beside a row, in a panel), so Escape or Cancel left focus on <body> and a
  // keyboard user at the top of the page. Taken as the dialog opens, before it takes focus.
  let opener: HTMLElement | undefined;
  createComputed(
    on(
      () => props.open,
      (open) => {
        const focused = document.activeElement;
        if (open)
          opener =
            focused instanceof HTMLElement && focused !== document.body ? focused : undefined;
      },
    ),
  );
  /** Back to the button that opened it, if it is still on the page (a removal may take it). */
  const returnFocus = (event: Event) => {
    if (opener === undefined || !opener.isConnected) return;
    event.preventDefault();
    opener.focus();
  };
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string>();
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    const failed = await props.onSubmit();
    setBusy(false);
    if (failed === undefined) props.onOpenChange(false);
    else setProblem(failed);
  };
  return (
    <Dialog open={props.open} onOpenChange={props.onOpenChange} modal>
      <Dialog.Portal>
        <Dialog.Overlay class="dialog-overlay" />
        <div class="dialog-position">
          <Dialog.Content class="dialog" onCloseAutoFocus={returnFocus}>
            <Dialog.Title class="dialog-title">{props.title}</Dialog.Title>
            <Dialog.Description class="muted">{props.description}</Dialog.Description>
            <form class="stack" onSubmit={(event) => void submit(event)}>
              {props.children}
              <Show when={problem()}>{(why) => <p class="notice notice-denied">{why()}</p>}</Show>
              <div class="form-row dialog-actions">
                {/* Kobalte names its close button "Dismiss"; the name must be the word shown. */}
                <Dialog.CloseButton class="button button-quiet" type="button" aria-label="Cancel">
                  Cancel
                </Dialog.CloseButton>
                <button
                  type="submit"
                  class={props.danger === true ? 'button button-danger' : 'button'}
                  disabled={busy()}
                >
                  {props.submitLabel}
                </button>
              </div>
            </form>
          </Dialog.Content>
        </div>
      </Dialog.Portal>
    </Dialog>
  );
}
