/** The patch metadata from a verified author signature. */
import { For, Show } from 'solid-js';
import type { SignerRow } from '../../../app/workflow.ts';
import type { BundleReport } from '../../../core/bundle/types.ts';
import { Did } from '../../components/CopyButton.tsx';
import { Field, ItemList } from '../../components/Field.tsx';
import { ledgerTime } from '../../components/format.ts';

export function BundleView(props: { report: BundleReport; signers: readonly SignerRow[] }) {
  const p = () => props.report.predicate;
  const author = () => props.signers.find((s) => s.isAuthor);
  return (
    <section class="panel" data-testid="bundle" aria-labelledby="bundle-title">
      <h2 id="bundle-title">Patch</h2>
      <p class="panel-note">Signed by the author; the signature covers every field below.</p>
      <dl class="fields">
        <Field label="Reason" testid="meta-reason">
          <span class="prose">{p().reason_for_patch}</span>
        </Field>
        <Field label="Author" testid="meta-author">
          <Show
            when={author()?.name}
            fallback={<span class="muted">not registered in this team</span>}
          >
            {(name) => (
              <strong class="clamp-2" data-testid="meta-author-name">
                {name()}
              </strong>
            )}
          </Show>{' '}
          <Did did={p().creator_identity} />
        </Field>
        <Field label="Created" testid="meta-timestamp">
          <time datetime={p().creation_timestamp}>{ledgerTime(p().creation_timestamp)}</time>
        </Field>
        <Field label="Components" testid="meta-components">
          <ItemList items={p().affected_components} />
        </Field>
        <Field label="Files" testid="meta-files">
          <ItemList items={p().files} testid="meta-file" code />
        </Field>
        <Field label="Path strip" testid="meta-strip">
          <code>-p{p().path_strip}</code>
        </Field>
        <Field label="Payload digest" testid="meta-payload-digest">
          <code class="digest">sha256:{props.report.payloadDigest}</code>
        </Field>
        <Field label="Diff digest" testid="meta-diff-digest">
          <code class="digest">sha256:{props.report.diffDigest}</code>
        </Field>
        <Field label="Build environment" testid="meta-build-env">
          <Show when={p().build_environment} fallback={<span class="muted">not stated</span>}>
            {(value) => <code class="digest">{value()}</code>}
          </Show>
        </Field>
        <Field label="Validation tests" testid="meta-tests">
          <Show when={p().validation_tests} fallback={<span class="muted">not stated</span>}>
            {(value) => <code class="digest">{value()}</code>}
          </Show>
        </Field>
      </dl>
      <Show when={p().source_headers}>
        {(headers) => (
          <>
            <h3>
              Headers in the diff{' '}
              <span class="muted">
                ({headers().format === 'dep3' ? 'Debian DEP-3' : 'git format-patch'}, as the author
                wrote them)
              </span>
            </h3>
            <dl class="fields" data-testid="meta-source-headers">
              <For each={Object.entries(headers().fields)}>
                {([name, value]) => (
                  <Field label={name}>
                    <span class="prose">{value}</span>
                  </Field>
                )}
              </For>
            </dl>
          </>
        )}
      </Show>
    </section>
  );
}
