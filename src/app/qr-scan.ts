/**
 * Reading a pairing code with the camera: the stream plays in a <video> the screen shows, and
 * a few times a second a frame is drawn into a canvas and searched for a QR code
 * (pairing-code.ts: BarcodeDetector where the browser has it, the JS decoder otherwise —
 * Chromium on Linux has none). A code split over several QR codes is collected part by part, in
 * any order, until it is whole. What the camera sees is untrusted: a part that does not fit the
 * ones read so far starts the collection again, and the joined code is still checked by the
 * pairing step that reads it.
 */
import { joinQrParts, scanQr } from './pairing-code.ts';

export interface ScanEvents {
  /** Parts read so far, of how many (0 of 0 until a first code is seen). */
  progress(have: number, need: number): void;
  done(code: string): void;
  failed(message: string): void;
}

/** Frames searched per second, at most (each search is a few milliseconds of main thread). */
const SCANS_PER_SECOND = 5;
/** Frames are scaled down to this width before they are searched. */
const SCAN_WIDTH = 640;
const MAX_TEXTS = 64;

export function cameraAvailable(): boolean {
  return typeof navigator.mediaDevices?.getUserMedia === 'function';
}

function frameOf(video: HTMLVideoElement, canvas: HTMLCanvasElement): ImageData | undefined {
  if (video.videoWidth === 0) return undefined;
  const scale = Math.min(1, SCAN_WIDTH / video.videoWidth);
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) return undefined;
  context.drawImage(video, 0, 0, canvas.width, canvas.height);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

const tryJoin = (texts: string[]) => {
  try {
    return joinQrParts(texts);
  } catch {
    return undefined; // parts that do not fit together
  }
};

/** Collects scanned texts until they make a whole code; other QR codes are passed over. */
export function makeQrCollector(events: Pick<ScanEvents, 'progress' | 'done'>) {
  let texts: string[] = [];
  return (text: string): boolean => {
    if (!/^PT(1|Q):/.test(text) || texts.includes(text)) return false;
    const more = texts.length >= MAX_TEXTS ? [text] : [...texts, text];
    let joined = tryJoin(more);
    texts = more;
    if (joined === undefined) {
      texts = [text]; // a part of another code: start again from this one
      joined = tryJoin(texts) ?? { have: 0, need: 0 };
    }
    events.progress(joined.have, joined.need);
    if (joined.code === undefined) return false;
    events.done(joined.code);
    return true;
  };
}

/** Plays the camera in `video` and scans it until a code is whole; returns stop. */
export async function startQrScan(
  video: HTMLVideoElement,
  events: ScanEvents,
): Promise<() => void> {
  if (!cameraAvailable()) {
    events.failed('This browser gives this page no camera. Paste the code instead.');
    return () => undefined;
  }
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: 'environment' },
      audio: false,
    });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    events.failed(
      name === 'NotAllowedError'
        ? 'The camera was not allowed. Allow it in the browser, or paste the code instead.'
        : `No camera could be opened (${name || String(error)}). Paste the code instead.`,
    );
    return () => undefined;
  }
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  video.srcObject = stream;
  video.muted = true;
  await video.play().catch(() => undefined);
  const canvas = document.createElement('canvas');
  const collect = makeQrCollector(events);
  const look = async () => {
    if (stopped) return;
    const frame = frameOf(video, canvas);
    const text = frame === undefined ? undefined : await scanQr(frame);
    if (stopped) return;
    if (text !== undefined && collect(text)) return stop();
    setTimeout(() => void look(), 1000 / SCANS_PER_SECOND);
  };
  void look();
  return stop;
}
