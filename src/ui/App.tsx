/** The bundle page: take a file, check it with the app's services, show the result. */
import { createResource, createSignal, Show } from 'solid-js';
import { useServices } from '../app/context.ts';
import { BundleDrop } from './BundleDrop.tsx';
import { CheckResult } from './CheckResult.tsx';
import { CheckingBanner } from './VerdictBanner.tsx';

export function App() {
  const services = useServices();
  const [file, setFile] = createSignal<File>();
  // createResource keeps only the latest file's answer when files arrive quickly.
  const [check] = createResource(file, (chosen) => services.verifyBundleFile(chosen));
  /** One short sentence for screen readers; the full result is not read out on every change. */
  const announcement = () => {
    if (check.loading) return `Checking ${file()?.name ?? 'the file'}…`;
    const current = check();
    if (current === undefined) return '';
    const code = current.problem === undefined ? '' : ` (${current.problem.code})`;
    return `${current.fileName}: ${current.verdict}${code}`;
  };

  return (
    <>
      <header class="masthead">
        <h1>patchtrail</h1>
        <p>Check a signed patch bundle: who wrote it, who vouched for it, and what it changes.</p>
      </header>
      <main class="content">
        <BundleDrop onFile={setFile} maxBytes={services.maxBundleBytes} />
        <p class="visually-hidden" role="status">
          {announcement()}
        </p>
        <div class="result">
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
