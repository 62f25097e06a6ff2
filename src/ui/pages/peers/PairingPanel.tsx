/**
 * Pairing without a server: show an offer (QR codes and text), read the other device's code
 * (paste it, or scan it with the camera), show the answer back. One box reads either kind of
 * code: an offer is answered, an answer completes this device's offer.
 */
import { createSignal, For, Match, Show, Switch } from 'solid-js';
import { useServices } from '../../../app/context.ts';
import { inPhase } from '../../../app/team.ts';
import { CopyButton } from '../../components/CopyButton.tsx';
import { QrCode } from '../../components/QrCode.tsx';
import { QrScanner } from './QrScanner.tsx';

function CodeView(props: { title: string; code: string; parts: string[]; testid: string }) {
  const label = (i: number) =>
    props.parts.length === 1
      ? props.title
      : `${props.title}, part ${i + 1} of ${props.parts.length}`;
  return (
    <div class="pair-code stack-tight" data-testid={props.testid}>
      <div class="pair-qrs">
        <For each={props.parts}>
          {(part, i) => (
            <figure class="pair-qr">
              <QrCode text={part} label={`QR code: ${label(i())}`} ecc="low" />
              <Show when={props.parts.length > 1}>
                <figcaption class="small">
                  {i() + 1} of {props.parts.length}
                </figcaption>
              </Show>
            </figure>
          )}
        </For>
      </div>
      <label for={`${props.testid}-text`}>{props.title} as text</label>
      <textarea
        id={`${props.testid}-text`}
        class="code-text"
        readonly
        rows="3"
        data-testid={`${props.testid}-text`}
      >
        {props.code}
      </textarea>
      <div>
        <CopyButton value={props.code} label={`Copy ${props.title.toLowerCase()}`} />
      </div>
    </div>
  );
}

function Step() {
  const { pairings } = useServices();
  return (
    <Switch>
      <Match when={inPhase(pairings.step(), 'preparing')}>
        {(step) => (
          <p role="status" class="muted">
            Preparing {step().role === 'offer' ? 'an offer' : 'the answer'}: finding this device’s
            network addresses…
          </p>
        )}
      </Match>
      <Match when={inPhase(pairings.step(), 'offering')}>
        {(step) => (
          <div class="stack-tight">
            <p>
              <strong>1.</strong> On the other device, open Peers and scan this code (or paste its
              text). <strong>2.</strong> Then read the answer it shows, below.
            </p>
            <CodeView title="This device’s offer" testid="pair-offer" {...step()} />
            <div>
              <button type="button" class="button button-quiet" onClick={() => pairings.cancel()}>
                Cancel the offer
              </button>
            </div>
          </div>
        )}
      </Match>
      <Match when={inPhase(pairings.step(), 'answering')}>
        {(step) => (
          <div class="stack-tight">
            <p>
              Show this answer to the device that made the offer: scan it there, or paste its text.
              The link opens once it is read.
            </p>
            <CodeView title="This device’s answer" testid="pair-answer" {...step()} />
          </div>
        )}
      </Match>
      <Match when={inPhase(pairings.step(), 'linking')}>
        <p role="status" class="muted" data-testid="pair-linking">
          Answer read: opening the link…
        </p>
      </Match>
      <Match when={inPhase(pairings.step(), 'paired')}>
        <p role="status" class="notice" data-testid="pair-done">
          Paired: the link is open, and the other device is listed under Connected peers. Everything
          it sends is checked before it counts.
        </p>
      </Match>
      <Match when={inPhase(pairings.step(), 'failed')}>
        {(step) => (
          <p class="notice notice-denied" role="alert" data-testid="pair-failed">
            Could not pair: {step().message}{' '}
            <Show when={step().code !== 'FAILED'}>
              <code>{step().code}</code>
            </Show>
          </p>
        )}
      </Match>
    </Switch>
  );
}

export function PairingPanel() {
  const { pairings } = useServices();
  const [text, setText] = createSignal('');
  const [scanning, setScanning] = createSignal(false);
  const read = (code: string) => {
    setScanning(false);
    setText('');
    void pairings.accept(code);
  };
  return (
    <section class="panel stack" aria-labelledby="pair-title" data-testid="pairing">
      <h2 id="pair-title">Pair without a server</h2>
      <p class="muted">
        With no signaling server between you, two devices can connect directly: one shows an offer,
        the other reads it and shows an answer back, and the first reads that. Both must reach each
        other on one network, or through ICE servers set in Settings. Everything the other device
        sends is checked before it counts.
      </p>
      <div>
        <button type="button" class="button" onClick={() => void pairings.offer()}>
          Show an offer
        </button>
      </div>
      <Step />
      <form
        class="stack-tight"
        onSubmit={(event) => {
          event.preventDefault();
          read(text());
        }}
      >
        <label for="pair-code">The other device’s code (an offer or an answer)</label>
        <textarea
          id="pair-code"
          class="code-text"
          rows="3"
          placeholder="PT1:…"
          value={text()}
          onInput={(event) => setText(event.currentTarget.value)}
        />
        <div class="button-row">
          <button type="submit" class="button button-quiet" disabled={text().trim() === ''}>
            Read this code
          </button>
          <button type="button" class="button button-quiet" onClick={() => setScanning(true)}>
            Scan with the camera
          </button>
        </div>
      </form>
      <Show when={scanning()}>
        <QrScanner onCode={read} onClose={() => setScanning(false)} />
      </Show>
    </section>
  );
}
