/** Edits this device's name: what teammates see once it registers in a team. */
import { createSignal } from 'solid-js';

export function DeviceNameForm(props: {
  name: string;
  /** Saves the name; a string returned is said instead of "Saved.". */
  onSave: (name: string) => Promise<unknown>;
  /** Shown above the field. */
  label?: string;
  /** Shown below it until something is saved. */
  hint?: string | undefined;
}) {
  const [draft, setDraft] = createSignal(props.name);
  const [said, setSaid] = createSignal('');
  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    try {
      const said = await props.onSave(draft());
      setSaid(typeof said === 'string' ? said : 'Saved.');
    } catch (error) {
      setSaid(`Not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return (
    <form class="stack-tight" onSubmit={(event) => void save(event)}>
      <label for="device-name">{props.label ?? 'Device name'}</label>
      <div class="form-row">
        <input
          id="device-name"
          name="device-name"
          value={draft()}
          maxLength={64}
          required
          placeholder="e.g. Ada’s laptop"
          autocomplete="off"
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
        <button type="submit" class="button">
          Save name
        </button>
      </div>
      <p class="muted small" role="status">
        {said() === ''
          ? (props.hint ?? 'Teammates see this name; it goes into the team ledger when you join.')
          : said()}
      </p>
    </form>
  );
}
