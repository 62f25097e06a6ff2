/**
 * File sync ("sneakernet"): the whole ledger, or only what is new since a teammate's heads, as
 * a file in the CLI's format; this device's heads to give a teammate; and a file imported
 * through the validator with its progress and a summary (new, already here, waiting for
 * earlier entries, refused and quarantined with the reason for each).
 */
import { createMemo, createSignal } from 'solid-js';
import { parseHeads } from '../../../app/file-sync.ts';
import type { OpenTeam } from '../../../app/ledger-session.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { downloadFile, teamFileName } from '../../components/download.ts';
import { LedgerFileImport } from '../../components/LedgerFileImport.tsx';
import { Said, type Saying } from '../../components/Said.tsx';

/** Entries in a ledger file (its lines after the genesis). */
const entriesIn = (bytes: Uint8Array) => Math.max(0, bytes.filter((b) => b === 10).length - 1);

export function FileSyncPanel(props: { team: OpenTeam }) {
  const [theirs, setTheirs] = createSignal('');
  const [said, setSaid] = createSignal<Saying>();
  const heads = createMemo(() => (props.team.revision(), props.team.heads().join('\n')));

  const save = (heads: string[]) => {
    const bytes = props.team.exportFile(heads);
    const partial = heads.length > 0;
    const name = teamFileName(props.team.name, partial ? '-new' : '');
    downloadFile(bytes, name);
    const count = entriesIn(bytes);
    setSaid({ ok: true, text: `Saved ${name}: ${count} ${count === 1 ? 'entry' : 'entries'}` });
  };
  const saveSince = () => {
    try {
      const ids = parseHeads(theirs());
      if (ids.length === 0)
        return setSaid({ ok: false, text: 'Paste the teammate’s heads first.' });
      save(ids);
    } catch (error) {
      setSaid({ ok: false, text: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <section class="panel stack" aria-labelledby="file-sync-title" data-testid="file-sync">
      <h2 id="file-sync-title">File sync</h2>
      <p class="muted">
        No connection at all? Carry the ledger as a file (the same format the command line reads and
        writes). Every entry in an imported file is checked before it counts.
      </p>
      <div class="button-row file-actions">
        <button type="button" class="button button-quiet" onClick={() => save([])}>
          Export the whole ledger
        </button>
        <LedgerFileImport label="Import a ledger file…" />
      </div>
      <div class="file-heads">
        <div class="stack-tight">
          <label for="my-heads">This device’s heads</label>
          <textarea id="my-heads" class="code-text" readonly rows="3" data-testid="my-heads">
            {heads()}
          </textarea>
          <p class="muted small">
            Give these to a teammate: they can export only what this device does not have yet.
          </p>
          <div>
            <CopyButton value={heads()} label="Copy this device’s heads" />
          </div>
        </div>
        <div class="stack-tight">
          <label for="their-heads">A teammate’s heads</label>
          <textarea
            id="their-heads"
            class="code-text"
            rows="3"
            placeholder="sha256:…"
            value={theirs()}
            onInput={(event) => setTheirs(event.currentTarget.value)}
          />
          <div>
            <button type="button" class="button button-quiet" onClick={saveSince}>
              Export what is new since their heads
            </button>
          </div>
        </div>
      </div>
      <Said said={said()} testid="export-said" />
    </section>
  );
}
