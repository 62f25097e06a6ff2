/** What a rejected bundle says about itself, decoded without verification and labelled so. */
import { Show } from 'solid-js';
import type { UnverifiedClaims } from '../../../app/check.ts';
import { Field, ItemList } from '../../components/Field.tsx';

export function ClaimsView(props: { claims: UnverifiedClaims }) {
  return (
    <section class="panel panel-unverified" data-testid="claims" aria-labelledby="claims-title">
      <h2 id="claims-title">
        <span class="badge badge-unverified">UNVERIFIED</span> What the file claims
      </h2>
      <p class="panel-note">
        These fields come from a payload whose signature did not verify. Anyone could have written
        them: do not rely on them.
      </p>
      <dl class="fields">
        <Show when={props.claims.reason}>
          {(reason) => (
            <Field label="Reason (unverified)" testid="claim-reason">
              <span class="prose">{reason()}</span>
            </Field>
          )}
        </Show>
        <Show when={props.claims.creator}>
          {(creator) => (
            <Field label="Author (unverified)" testid="claim-author">
              <code class="did">{creator()}</code>
            </Field>
          )}
        </Show>
        <Show when={props.claims.timestamp}>
          {(timestamp) => (
            <Field label="Created (unverified)" testid="claim-timestamp">
              {timestamp()}
            </Field>
          )}
        </Show>
        <Show when={props.claims.components}>
          {(components) => (
            <Field label="Components (unverified)" testid="claim-components">
              <ItemList items={components()} />
            </Field>
          )}
        </Show>
        <Show when={props.claims.files}>
          {(files) => (
            <Field label="Files (unverified)" testid="claim-files">
              <ItemList items={files()} code />
            </Field>
          )}
        </Show>
      </dl>
    </section>
  );
}
