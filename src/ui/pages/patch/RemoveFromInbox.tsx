/**
 * Taking a bundle off this device: the Inbox keeps every file it was given until someone
 * removes it here. The ledger keeps what was recorded about the patch; a rollback needs the
 * bundle again, so a patch this device applied says so before it goes.
 */
import { useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import type { InboxItem } from '../../../app/inbox.ts';
import { lastDeviceAct } from '../../../app/target-words.ts';
import { ActionDialog } from '../../components/ActionDialog.tsx';
import { inlineName } from '../../components/format.ts';
import { notKeptWords } from '../inbox/inbox-words.ts';

export function RemoveFromInbox(props: { item: InboxItem }) {
  const { bundles, inbox, workflow } = useServices();
  // Said here too: "kept until you remove it" was said of a file refused as too large.
  const notKept = () =>
    notKeptWords(props.item.keeping, props.item.check.fileSize, bundles.maxBundleBytes);
  const navigate = useNavigate();
  const [open, setOpen] = createSignal(false);
  const applied = () =>
    lastDeviceAct(workflow.verdict(props.item.key)?.events ?? [])?.reason === 'applied';
  const remove = async (): Promise<string | undefined> => {
    try {
      await inbox.remove(props.item.key);
    } catch (error) {
      console.error('patchtrail: could not remove a bundle from the Inbox', error);
      const why = error instanceof Error ? error.message : String(error);
      return `The bundle could not be removed, and it stays in the Inbox: ${why}`;
    }
    navigate('/inbox');
    return undefined;
  };
  return (
    <section class="panel stack" aria-labelledby="remove-title" data-testid="remove-bundle">
      <h2 id="remove-title">On this device</h2>
      <Show
        when={notKept()}
        fallback={
          <p class="muted small">
            The bundle file {inlineName(props.item.fileName)} is kept in this device’s Inbox until
            you remove it.
          </p>
        }
      >
        {(why) => (
          <p class="muted small" data-testid="not-kept">
            The file {inlineName(props.item.fileName)} is not kept on this device: {why()}. It
            leaves the Inbox when the app is opened again.
          </p>
        )}
      </Show>
      <div class="form-row">
        <button type="button" class="button button-quiet" onClick={() => setOpen(true)}>
          Remove from this device’s Inbox…
        </button>
      </div>
      <ActionDialog
        open={open()}
        onOpenChange={setOpen}
        title="Remove this bundle from the Inbox?"
        description="Its file is deleted from this device. What the team’s ledger recorded about the patch stays: reviews, applies and the audit trail. Opening the file again brings it back."
        submitLabel="Remove"
        danger
        onSubmit={remove}
      >
        <Show when={applied()}>
          <p class="notice notice-review" data-testid="remove-applied">
            This device applied this patch. Rolling it back needs the bundle: keep its file, or open
            it again before a rollback.
          </p>
        </Show>
      </ActionDialog>
    </section>
  );
}
