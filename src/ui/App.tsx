/** The bundle page: take a file, check it with the app's services, show the result. */
import { createResource, createSignal, Show } from 'solid-js';
import { useServices } from '../app/context.ts';
import { MAX_BUNDLE_BYTES } from '../core/bundle/limits.ts';
import { BundleDrop } from './BundleDrop.tsx';
import { CheckResult } from './CheckResult.tsx';
import { CheckingBanner } from './VerdictBanner.tsx';

export function App() {
  const services = useServices();
  const [file, setFile] = createSignal<File>();
  // createResource keeps only the latest file's answer when files arrive quickly.
  const [check] = createResource(file, (chosen) => services.verifyBundleFile(chosen));

  return (
    <>
      <header class="masthead">
        <h1>patchtrail</h1>
        <p>Check a signed patch bundle: who wrote it, who vouched for it, and what it changes.</p>
      </header>
      <main class="content">
        <BundleDrop onFile={setFile} maxBytes={MAX_BUNDLE_BYTES} />
        <div class="result" aria-live="polite">
          <Show when={check.loading && file()}>
            {(chosen) => <CheckingBanner fileName={chosen().name} />}
          </Show>
          <Show when={!check.loading && check()}>
            {(checked) => <CheckResult check={checked()} />}
          </Show>
        </div>
      </main>
    </>
  );
}
