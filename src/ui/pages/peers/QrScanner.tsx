/**
 * Reads a code with the camera (src/app/qr-scan.ts, loaded when the scanner opens): the camera
 * picture, how many parts of a split code are read, and Stop. When the whole code is read it
 * is handed to `onCode` and the camera is released.
 */
import { createSignal, onCleanup, onMount, Show } from 'solid-js';

export function QrScanner(props: { onCode: (code: string) => void; onClose: () => void }) {
  let video: HTMLVideoElement | undefined;
  let stop: (() => void) | undefined;
  let closed = false;
  const [said, setSaid] = createSignal('Opening the camera…');
  const [failed, setFailed] = createSignal(false);

  onMount(() => {
    void (async () => {
      const { startQrScan } = await import('../../../app/qr-scan.ts');
      if (closed || video === undefined) return;
      const stopScan = await startQrScan(video, {
        progress: (have, need) =>
          setSaid(need > 1 ? `Read ${have} of ${need} codes: show the next one.` : 'Reading…'),
        done: (code) => {
          setSaid('Code read.');
          props.onCode(code);
        },
        failed: (message) => {
          setFailed(true);
          setSaid(message);
        },
      });
      if (closed) stopScan();
      else {
        stop = stopScan;
        if (!failed()) setSaid('Point the camera at the other device’s code.');
      }
    })();
  });
  onCleanup(() => {
    closed = true;
    stop?.();
  });

  return (
    <div class="scanner stack-tight" data-testid="qr-scanner">
      <Show when={!failed()}>
        {/* A live camera picture: there is nothing to caption. */}
        <video ref={video} class="scanner-video" playsinline muted aria-label="Camera picture" />
      </Show>
      <p
        class={failed() ? 'notice notice-review' : 'muted'}
        role="status"
        data-testid="scanner-status"
      >
        {said()}
      </p>
      <div>
        <button type="button" class="button button-quiet" onClick={() => props.onClose()}>
          Stop scanning
        </button>
      </div>
    </div>
  );
}
