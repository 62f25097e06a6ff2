/**
 * Scanning a pairing code with the camera, in real Chromium with its fake camera playing a
 * video of QR codes (--use-file-for-fake-video-capture): a code too long for one QR code is
 * shown as two, which the video alternates; the Peers screen's scanner reads both parts from
 * the camera frames, joins them and hands the code to the pairing step. The code is an answer
 * while this device has made no offer, so the step refuses it, saying so: proof that the
 * whole code, read by the camera, reached it.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeQR } from '@paulmillr/qr';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { splitForQr } from '../../src/app/pairing-code.ts';
import { go, nameDevice } from './app-steps.ts';
import {
  collectPageErrors,
  describeBrowser,
  ensureWebBuild,
  launchChromium,
  serveWebApp,
  shoot,
  type LaunchedBrowser,
  type WebServer,
} from './browser.ts';

const WIDTH = 640;
const HEIGHT = 480;
/** Frames of each part in a row, at 10 frames a second. */
const FRAMES_EACH = 3;

/** One greyscale 4:2:0 frame with `text` as a QR code, black on white, centred. */
function qrFrame(text: string): Uint8Array {
  const modules = encodeQR(text, 'raw', { ecc: 'low', border: 4 });
  const scale = Math.floor(Math.min(WIDTH, HEIGHT) / modules.length);
  const left = Math.floor((WIDTH - modules.length * scale) / 2);
  const top = Math.floor((HEIGHT - modules.length * scale) / 2);
  const frame = new Uint8Array((WIDTH * HEIGHT * 3) / 2).fill(128);
  frame.fill(235, 0, WIDTH * HEIGHT);
  modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < scale; dy++) {
        const start = (top + y * scale + dy) * WIDTH + left + x * scale;
        frame.fill(16, start, start + scale);
      }
    }),
  );
  return frame;
}

/** A Y4M video that shows each text for FRAMES_EACH frames, in turn (Chromium loops it). */
function qrVideo(texts: readonly string[]): Buffer {
  const chunks: Uint8Array[] = [
    Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`),
  ];
  for (const text of texts) {
    const frame = qrFrame(text);
    for (let i = 0; i < FRAMES_EACH; i++) chunks.push(Buffer.from('FRAME\n'), frame);
  }
  return Buffer.concat(chunks);
}

describeBrowser('scan a pairing code with the camera (Chromium fake camera)', () => {
  const code = `PT1:a:${'camera0read0me'.repeat(60)}`;
  const parts = splitForQr(code);
  let dir = '';
  let server: WebServer;
  let browser: LaunchedBrowser;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    await ensureWebBuild();
    dir = await mkdtemp(join(tmpdir(), 'patchtrail-camera-'));
    const video = join(dir, 'qr.y4m');
    await writeFile(video, qrVideo(parts));
    [server, browser] = await Promise.all([
      serveWebApp(),
      launchChromium({
        args: [
          '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream',
          `--use-file-for-fake-video-capture=${video}`,
        ],
        permissions: ['camera'],
      }),
    ]);
    page = browser.page;
    errors = collectPageErrors(page);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a code split over two QR codes from the camera and hands it to pairing', async () => {
    expect(parts).toHaveLength(2);
    await page.goto(`${server.url}#/team`);
    await nameDevice(page, 'Bench laptop');
    await page.getByLabel('Team name').fill('Camera test');
    await page.getByRole('button', { name: 'Found this team' }).click();
    await page.getByTestId('team-title').waitFor();
    await go(page, 'Peers');
    await page.getByRole('button', { name: 'Scan with the camera' }).click();
    await page.getByTestId('qr-scanner').waitFor();
    const failed = page.getByTestId('pair-failed');
    await failed.waitFor({ timeout: 20_000 });
    expect(await failed.textContent()).toContain(
      'that code is an answer; show an offer on this device first',
    );
    await failed.scrollIntoViewIfNeeded();
    await shoot(page, 'peers-scan-read');
    // The scanner closes (and stops the camera) once the code is read.
    await page.getByTestId('qr-scanner').waitFor({ state: 'detached' });
    // This static server has no signaling: the app's attempts to reach it are expected.
    expect(errors.filter((e) => !/WebSocket connection to '\S+\/signal' failed/.test(e))).toEqual(
      [],
    );
  });
});
