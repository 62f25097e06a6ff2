/** The explorer's other tabs: the quarantine, equivocation proofs, checkpoints and cosignatures. */
import { createResource, For, Show } from 'solid-js';
import type { OpenTeam } from '../../../app/ledger-session.ts';
import { counted, formatCount, ledgerTime } from '../../components/format.ts';

const short = (id: string) => (id.length > 24 ? `${id.slice(0, 22)}…` : id);

export function QuarantineList(props: { team: OpenTeam }) {
  const [rows] = createResource(props.team.revision, () => props.team.quarantine());
  return (
    <div class="stack">
      <p class="muted">
        Input this device refused: it never counts and is never indexed. Kept, bounded, as evidence
        of what peers or files sent.
      </p>
      <Show when={rows()} fallback={<p class="muted">Reading the quarantine…</p>}>
        {(list) => (
          <Show
            when={list().length > 0}
            fallback={<p data-testid="quarantine-empty">Nothing refused.</p>}
          >
            <ul class="audit-list" data-testid="quarantine-list">
              <For each={list()}>
                {(row) => (
                  <li data-testid="quarantine-row" data-code={row.code}>
                    <span class="chip chip-denied">{row.code}</span> <span>{row.message}</span>
                    <div class="muted small">
                      {row.key === '' ? (
                        'no id recorded'
                      ) : (
                        <>
                          id <code title={row.key}>{short(row.key)}</code>
                        </>
                      )}{' '}
                      · {formatCount(row.size)} bytes
                    </div>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </div>
  );
}

export function EquivocationList(props: { team: OpenTeam }) {
  return (
    <Show
      when={props.team.equivocations().length > 0}
      fallback={
        <p data-testid="equivocations-empty">No author has signed two entries at one position.</p>
      }
    >
      <ul class="audit-list" data-testid="equivocation-list">
        <For each={props.team.equivocations()}>
          {(row) => (
            <li data-testid="equivocation-row">
              <strong>{row.authorName}</strong> signed two different entries as its entry {row.seq}.
              Nothing it signed after that counts.
              <div class="muted small">
                Conflicting: <For each={row.ids}>{(id) => <code>{short(id)} </code>}</For>
                {row.proofs.length > 0
                  ? ` · ${counted(row.proofs.length, 'published proof', 'published proofs')}`
                  : ' · no proof published yet'}
              </div>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

export function CheckpointList(props: { team: OpenTeam }) {
  return (
    <Show
      when={props.team.checkpoints().length > 0}
      fallback={<p data-testid="checkpoints-empty">No checkpoints yet.</p>}
    >
      <ul class="audit-list" data-testid="checkpoint-list">
        <For each={props.team.checkpoints()}>
          {(row) => (
            <li data-testid="checkpoint-row" data-status={row.status}>
              Checkpoint of{' '}
              <strong>
                {row.size === undefined ? '? entries' : counted(row.size, 'entry', 'entries')}
              </strong>{' '}
              by {row.authorName}, <time datetime={row.time}>{ledgerTime(row.time)}</time>
              <div class="muted small">
                <code>{row.origin}</code>
              </div>
              <div data-testid="cosignatures">
                {row.cosignatures.length === 0
                  ? 'No witness has cosigned it.'
                  : `Cosigned by ${row.cosignatures.map((c) => c.witnessName).join(', ')}`}
              </div>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
