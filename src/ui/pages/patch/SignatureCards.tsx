/**
 * Every signature on the bundle, one card each (a table was cut off on phones): who signed by
 * registered name, the roles the registry gives and its standing, whether the signature
 * verifies, and whether it counts ("not counted" with the reason for unknown, revoked or
 * malicious keys). The role a bundle claims is shown as a claim, never trusted.
 */
import { For, Show } from 'solid-js';
import type { SignerRow } from '../../../app/workflow.ts';
import { Did } from '../../components/CopyButton.tsx';
import { ledgerTime } from '../../components/format.ts';

const STATUS_TEXT: Record<SignerRow['signature'], string> = {
  valid: '✓ valid',
  invalid: '✗ invalid',
  unchecked: '– not checked',
};

const STANDING_TEXT: Record<SignerRow['standing'], string> = {
  registered: 'registered, in standing',
  unknown: 'not known to this team',
  revoked: 'revoked',
  malicious: 'malicious (equivocated)',
  'not-checked': 'no team ledger open',
};

function SignatureCard(props: { row: SignerRow }) {
  const row = () => props.row;
  const name = () =>
    row().name !== '' ? row().name : row().standing === 'not-checked' ? 'Signer' : 'Unknown key';
  return (
    <li
      class="sig-card"
      data-testid="signature-row"
      data-status={row().signature}
      data-role={row().claimedRole}
      data-did={row().did}
      data-standing={row().standing}
      data-counted={row().counted ? 'yes' : 'no'}
    >
      <div class="sig-head">
        <span class="chip">{row().isAuthor ? 'author' : 'attestation'}</span>
        <strong class="sig-name clamp-2" data-testid="signature-name">
          {name()}
        </strong>
        <Did did={row().did} owner={row().name} />
      </div>
      <dl class="sig-fields">
        <div>
          <dt>Signature</dt>
          <dd>
            <span class={`badge badge-${row().signature}`} data-testid="signature-status">
              {STATUS_TEXT[row().signature]}
            </span>
            <Show when={row().problem}>
              {(problem) => (
                <span class="small">
                  {' '}
                  <code class="code" data-testid="signature-problem">
                    {problem().code}
                  </code>{' '}
                  {problem().message}
                </span>
              )}
            </Show>
          </dd>
        </div>
        <div>
          <dt>On the ledger</dt>
          <dd data-testid="signature-standing">
            {STANDING_TEXT[row().standing]}
            <Show when={row().roles.length > 0}> · {row().roles.join(', ')}</Show>
          </dd>
        </div>
        <Show when={!row().isAuthor}>
          <div>
            <dt>Claims</dt>
            <dd>
              role “{row().claimedRole}” (as the bundle says) · verdict{' '}
              <span data-testid="signature-verdict">{row().verdict ?? '—'}</span>
            </dd>
          </div>
        </Show>
        <div>
          <dt>Counts</dt>
          <dd data-testid="signature-counted" class={row().counted ? '' : 'muted'}>
            {row().counted ? 'yes' : (row().why ?? 'not counted')}
          </dd>
        </div>
        <Show when={row().note}>
          {(note) => (
            <div>
              <dt>Note</dt>
              <dd class="prose">{note()}</dd>
            </div>
          )}
        </Show>
        <Show when={row().timestamp}>
          {(time) => (
            <div>
              <dt>Signed</dt>
              <dd>
                <time datetime={time()}>{ledgerTime(time())}</time>
              </dd>
            </div>
          )}
        </Show>
      </dl>
    </li>
  );
}

export function SignatureCards(props: { rows: readonly SignerRow[] }) {
  return (
    <section class="panel" data-testid="signatures" aria-labelledby="signatures-title">
      <h2 id="signatures-title">
        Signatures <span class="muted">({props.rows.length})</span>
      </h2>
      <ul class="sig-list">
        <For each={props.rows}>{(row) => <SignatureCard row={row} />}</For>
      </ul>
    </section>
  );
}
