/** Every signature on the bundle: who signed, in what role, and whether it verifies. */
import { For, Show } from 'solid-js';
import type { SignatureRow } from '../../../app/check.ts';

const STATUS_TEXT: Record<SignatureRow['status'], string> = {
  valid: '✓ valid',
  invalid: '✗ invalid',
  unchecked: '– not checked',
};

function trustText(trusted: boolean | null): string {
  if (trusted === null) return 'not checked';
  return trusted ? 'trusted' : 'not trusted';
}

function SignatureRowView(props: { row: SignatureRow }) {
  const row = () => props.row;
  return (
    <tr
      data-testid="signature-row"
      data-status={row().status}
      data-role={row().role}
      data-did={row().did}
    >
      <th scope="row">{row().role}</th>
      <td>
        <code class="did">{row().did}</code>
        <Show when={row().timestamp}>
          {(time) => (
            <div class="muted small">
              <time datetime={time()}>{time()}</time>
            </div>
          )}
        </Show>
      </td>
      <td>
        <span class={`badge badge-${row().status}`} data-testid="signature-status">
          {STATUS_TEXT[row().status]}
        </span>
        <Show when={row().problem}>
          {(problem) => (
            <div class="small">
              <code class="code" data-testid="signature-problem">
                {problem().code}
              </code>{' '}
              {problem().message}
            </div>
          )}
        </Show>
      </td>
      <td class={row().trusted === null ? 'muted' : ''}>{trustText(row().trusted)}</td>
      <td data-testid="signature-verdict">
        {row().verdict ?? <span class="muted">—</span>}
        <Show when={row().repeat}>
          <div class="muted small">repeat: listed, not counted</div>
        </Show>
      </td>
      <td class="prose">{row().note ?? <span class="muted">—</span>}</td>
    </tr>
  );
}

export function SignatureList(props: { rows: readonly SignatureRow[] }) {
  return (
    <section class="panel" data-testid="signatures" aria-labelledby="signatures-title">
      <h2 id="signatures-title">
        Signatures <span class="muted">({props.rows.length})</span>
      </h2>
      <div class="table-scroll">
        <table class="signatures">
          <thead>
            <tr>
              <th scope="col">Role</th>
              <th scope="col">Signer</th>
              <th scope="col">Status</th>
              <th scope="col">Trust</th>
              <th scope="col">Verdict</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.rows}>{(row) => <SignatureRowView row={row} />}</For>
          </tbody>
        </table>
      </div>
    </section>
  );
}
