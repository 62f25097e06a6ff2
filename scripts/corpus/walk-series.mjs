#!/usr/bin/env node
/**
 * The corpus builder's worker, run by build-corpus.sh. With --package it takes one extracted
 * Debian source tree (patches not applied), keeps the upstream tree as base/, copies the quilt
 * series to patches/NNNN-name.patch, and walks it in order with GNU patch at fuzz 0, recording
 * for each patch whether it applied and the sha256 of every file it touched (package.json).
 * With --merge it gathers every package.json into corpus.json, the file the tests read.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  changedPaths,
  fileState,
  GNU_PATCH_ARGS,
  gnuPatchVersion,
  runGnuPatch,
  snapshotTree,
} from './gnu-patch.mjs';
import { describePatch } from './patch-features.mjs';

const CORPUS_FORMAT = 1;

/** quilt's series(5): "name [-pN] [-R]" per line, "#" starts a comment. */
export function parseSeries(text) {
  const entries = [];
  for (const raw of text.split('\n')) {
    const tokens = raw
      .replace(/(^|\s)#.*$/, '')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    const [name, ...options] = tokens;
    if (name === undefined) continue;
    let strip = 1;
    const unsupported = [];
    for (let i = 0; i < options.length; i++) {
      const option = options[i];
      if (/^-p\d+$/.test(option)) strip = Number(option.slice(2));
      else if (option === '-p' && /^\d+$/.test(options[i + 1] ?? '')) strip = Number(options[++i]);
      else unsupported.push(option);
    }
    entries.push({ name, strip, options: unsupported });
  }
  return entries;
}

function patchFileName(index, seriesName) {
  const stem = seriesName
    .replace(/\.(patch|diff)$/, '')
    .replace(/\//g, '__')
    .replace(/[^A-Za-z0-9._+-]/g, '_');
  return `${String(index).padStart(4, '0')}-${stem}.patch`;
}

function readDsc(dscFile) {
  const text = fs.readFileSync(dscFile, 'utf8');
  const field = (name) => new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  const dir = path.dirname(dscFile);
  const files = fs.readdirSync(dir).filter((f) => !f.startsWith('.'));
  const downloadBytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  return {
    source: field('Source'),
    version: field('Version'),
    format: field('Format'),
    files,
    downloadBytes,
  };
}

function treeSize(root) {
  const snapshot = snapshotTree(root);
  let bytes = 0;
  for (const rel of snapshot.keys()) bytes += fs.lstatSync(path.join(root, rel)).size;
  return { files: snapshot.size, bytes };
}

/**
 * Applies one patch to `work` (GNU patch, fuzz 0; GNU's default fuzz only to carry on) and
 * says what happened. A dry run first keeps a refused patch from leaving half its hunks.
 */
function walkOne(work, patchFile, entry) {
  const options = { strip: entry.strip };
  const clean = runGnuPatch(work, patchFile, { ...options, dryRun: true });
  const fuzz = clean.exitCode === 0 ? 0 : 'default';
  if (fuzz === 'default') {
    const fuzzy = runGnuPatch(work, patchFile, { ...options, fuzz, dryRun: true });
    if (fuzzy.exitCode !== 0) return { gnu: { fuzz0: false, ...clean }, advanced: 'not-applied' };
  }
  const before = snapshotTree(work);
  const real = runGnuPatch(work, patchFile, { ...options, fuzz });
  if (real.exitCode !== 0) {
    throw new Error(`${patchFile}: dry run succeeded but the real run failed: ${real.notes}`);
  }
  const expected = changedPaths(before, snapshotTree(work)).map((rel) => fileState(work, rel));
  const gnu = fuzz === 0 ? { fuzz0: true, ...real } : { fuzz0: false, ...clean, withFuzz: real };
  return { gnu, advanced: fuzz === 0 ? 'fuzz0' : 'default-fuzz', expected };
}

function skipReason(entry, features, result) {
  if (result === undefined) return 'an earlier patch did not apply even with fuzz';
  if (entry.options.length > 0) return `series option ${entry.options.join(' ')}`;
  if (features.files === 0)
    return 'no file patch in it (GNU patch does nothing; a bundle needs a diff)';
  if (features.binary) return 'binary patch';
  if (result.advanced === 'not-applied') return 'GNU patch refuses it even with fuzz';
  if (!result.gnu.fuzz0) return 'GNU patch needs fuzz';
  return undefined;
}

function walkSeries(out, entries, patchesDir) {
  const work = `${out}.walk`;
  fs.rmSync(work, { recursive: true, force: true });
  execFileSync('cp', ['-a', path.join(out, 'base'), work]);
  const patches = [];
  let stopped = false;
  entries.forEach((entry, i) => {
    const file = `patches/${patchFileName(i + 1, entry.name)}`;
    fs.copyFileSync(path.join(patchesDir, entry.name), path.join(out, file));
    const bytes = fs.readFileSync(path.join(out, file));
    const features = describePatch(bytes);
    const result = stopped ? undefined : walkOne(work, path.join(out, file), entry);
    if (result?.advanced === 'not-applied') stopped = true;
    const skip = skipReason(entry, features, result);
    patches.push({
      index: i + 1,
      series: entry.name,
      file,
      strip: entry.strip,
      ...(entry.options.length > 0 ? { seriesOptions: entry.options } : {}),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      features,
      ...(result ?? { advanced: 'not-walked' }),
      ...(skip === undefined ? {} : { skip }),
    });
  });
  fs.rmSync(work, { recursive: true, force: true });
  return patches;
}

function buildPackage({ package: name, dsc, src, out }) {
  const started = Date.now();
  const meta = readDsc(dsc);
  const patchesDir = path.join(src, 'debian', 'patches');
  const seriesFile = path.join(patchesDir, 'series');
  const entries = fs.existsSync(seriesFile) ? parseSeries(fs.readFileSync(seriesFile, 'utf8')) : [];
  fs.mkdirSync(path.join(out, 'patches'), { recursive: true });
  const debian = `${out}.debian`;
  fs.renameSync(path.join(src, 'debian'), debian);
  fs.renameSync(src, path.join(out, 'base'));
  const patches = walkSeries(out, entries, path.join(debian, 'patches'));
  fs.rmSync(debian, { recursive: true, force: true });
  const manifest = {
    name,
    source: meta.source,
    version: meta.version,
    sourceFormat: meta.format,
    downloads: meta.files,
    downloadBytes: meta.downloadBytes,
    base: treeSize(path.join(out, 'base')),
    buildSeconds: Math.round((Date.now() - started) / 100) / 10,
    patches,
  };
  fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  const clean = patches.filter((p) => p.gnu?.fuzz0).length;
  process.stderr.write(
    `${name} ${meta.version}: ${patches.length} patches, ${clean} clean at fuzz 0\n`,
  );
}

function merge(corpusDir) {
  const packages = fs
    .readdirSync(corpusDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .sort((a, b) => a.name.localeCompare(b.name))
    .filter((d) => fs.existsSync(path.join(corpusDir, d.name, 'package.json')))
    .map((d) => ({
      dir: d.name,
      ...JSON.parse(fs.readFileSync(path.join(corpusDir, d.name, 'package.json'), 'utf8')),
    }));
  const all = packages.flatMap((p) => p.patches);
  const corpus = {
    format: CORPUS_FORMAT,
    gnuPatch: { version: gnuPatchVersion(), args: GNU_PATCH_ARGS },
    totals: {
      packages: packages.length,
      patches: all.length,
      cleanAtFuzz0: all.filter((p) => p.gnu?.fuzz0).length,
      skipped: all.filter((p) => p.skip !== undefined).length,
      notUtf8: all.filter((p) => !p.features.utf8).length,
      downloadBytes: packages.reduce((n, p) => n + p.downloadBytes, 0),
    },
    packages,
  };
  fs.writeFileSync(path.join(corpusDir, 'corpus.json'), `${JSON.stringify(corpus, null, 1)}\n`);
  process.stderr.write(`${JSON.stringify(corpus.totals)}\n`);
}

const { values } = parseArgs({
  options: {
    package: { type: 'string' },
    dsc: { type: 'string' },
    src: { type: 'string' },
    out: { type: 'string' },
    merge: { type: 'string' },
  },
});
if (values.merge !== undefined) merge(values.merge);
else if (values.package && values.dsc && values.src && values.out) buildPackage(values);
else {
  process.stderr.write(
    'usage: walk-series.mjs --package P --dsc F --src DIR --out DIR | --merge DIR\n',
  );
  process.exit(2);
}
