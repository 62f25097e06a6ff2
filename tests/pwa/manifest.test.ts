/**
 * The web app manifest that makes patchtrail installable: PNG icons of the sizes it claims
 * (192, 512, and maskable ones that fill their square), file handlers for bundle files
 * (`.patchtrail`, and `.json` as the CLI writes by default) that land in the app's scope, and
 * a launch handler that reuses an open window. The icons come from public/icon.svg through
 * scripts/make-icons.mjs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PUBLIC = fileURLToPath(new URL('../../public/', import.meta.url));

interface Icon {
  src: string;
  sizes: string;
  type: string;
  purpose: string;
}

interface Manifest {
  id: string;
  start_url: string;
  scope: string;
  display: string;
  icons: Icon[];
  file_handlers: { action: string; accept: Record<string, string[]> }[];
  launch_handler: { client_mode: string };
}

const manifest = JSON.parse(readFileSync(`${PUBLIC}manifest.webmanifest`, 'utf8')) as Manifest;

/** Width, height and colour type from a PNG's IHDR chunk (PNG spec §11.2.2). */
function pngHeader(path: string) {
  const bytes = readFileSync(path);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  expect([...bytes.subarray(0, 8)]).toEqual(signature);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), colourType: bytes[25] };
}

const pngs = (purpose: string) =>
  manifest.icons.filter((icon) => icon.type === 'image/png' && icon.purpose === purpose);

describe('web app manifest', () => {
  it('lists PNG icons of 192 and 512 px, each the size it claims', () => {
    for (const purpose of ['any', 'maskable']) {
      const icons = pngs(purpose);
      expect(icons.map((icon) => icon.sizes).sort()).toEqual(['192x192', '512x512']);
      for (const icon of icons) {
        const [width, height] = icon.sizes.split('x').map(Number);
        expect(pngHeader(`${PUBLIC}${icon.src}`)).toMatchObject({ width, height });
      }
    }
  });

  it('has maskable icons with no transparency (the background fills the square)', () => {
    // PNG colour type 2 is RGB without alpha; 6 is RGBA.
    for (const icon of pngs('maskable'))
      expect(pngHeader(`${PUBLIC}${icon.src}`).colourType).toBe(2);
  });

  it('opens bundle files (.patchtrail and .json) in the app’s own scope', () => {
    const [handler] = manifest.file_handlers;
    expect(manifest.file_handlers).toHaveLength(1);
    const scope = new URL(manifest.scope, 'https://app.example/');
    expect(new URL(handler?.action ?? '', 'https://app.example/').href.startsWith(scope.href)).toBe(
      true,
    );
    expect(handler?.accept).toEqual({
      'application/vnd.patchtrail.bundle.v1+json': ['.patchtrail'],
      'application/json': ['.json'],
    });
  });

  it('sends files to the window already open, and installs as a standalone app', () => {
    expect(manifest.launch_handler.client_mode).toBe('focus-existing');
    expect(manifest).toMatchObject({ display: 'standalone', start_url: './', scope: './' });
  });

  it('is linked from the page', () => {
    const html = readFileSync(fileURLToPath(new URL('../../index.html', import.meta.url)), 'utf8');
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest" />');
  });
});
