#!/usr/bin/env node
// Renders public/icon.svg into the PNG icons the web app manifest lists (an installable app
// needs raster icons: 192 and 512 px, and a maskable one whose picture stays inside the
// central 80% circle that launchers may crop to). Run it after changing icon.svg and commit
// the PNGs: `node scripts/make-icons.mjs`. It draws with Debian's Chromium (the browser the
// tests use), so the build itself needs no image library.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const PUBLIC = fileURLToPath(new URL('../public/', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

const svg = readFileSync(`${PUBLIC}icon.svg`, 'utf8');

/**
 * The maskable variant: the background fills the whole square (no rounded corners, the
 * launcher applies its own mask) and the drawing is scaled to 75% about the centre, inside
 * the safe zone (a circle of radius 40% of the size, per the W3C manifest spec's maskable
 * icons section).
 */
function maskable(source) {
  const background = source.match(/<rect[^>]*fill="([^"]+)"[^>]*\/>/);
  if (background === null) throw new Error('make-icons: icon.svg has no background <rect>');
  const drawing = source
    .replace(/^[\s\S]*?<svg[^>]*>/, '')
    .replace(/<\/svg>\s*$/, '')
    .replace(background[0], '');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">` +
    `<rect width="64" height="64" fill="${background[1]}"/>` +
    `<g transform="translate(8 8) scale(0.75)">${drawing}</g></svg>`
  );
}

const ICONS = [
  { file: 'icon-192.png', size: 192, source: svg },
  { file: 'icon-512.png', size: 512, source: svg },
  { file: 'icon-maskable-192.png', size: 192, source: maskable(svg) },
  { file: 'icon-maskable-512.png', size: 512, source: maskable(svg) },
];

const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
try {
  for (const { file, size, source } of ICONS) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const body = `<!doctype html><html><body style="margin:0;background:transparent">${source.replace(
      '<svg ',
      `<svg width="${size}" height="${size}" `,
    )}</body></html>`;
    await page.setContent(body);
    await page.screenshot({ path: `${PUBLIC}icons/${file}`, omitBackground: true });
    await page.close();
    console.log(`public/icons/${file} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
