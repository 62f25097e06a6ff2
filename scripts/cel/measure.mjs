#!/usr/bin/env node
// Measures the JavaScript CEL implementations the policy engine could use, reproducibly:
//   node scripts/cel/measure.mjs [--json FILE] [--failures]
// Candidates the project does not have are installed, pinned, under os.tmpdir()
// (packages.mjs). Measured, per candidate:
//   conformance  cel-spec's simple conformance tests (conformance.mjs: which files are core,
//                how a test passes), from @bufbuild/cel-spec's copy of cel-spec's testdata;
//   size         minified and gzipped bundle of "parse and evaluate" (size.mjs);
//   speed        evaluations per second of a policy expression compiled once, the time to
//                compile it, and a regular expression that is exponential for a
//                backtracking engine; each library in its own process (speed.mjs).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bufbuildAdapter } from './adapter-bufbuild.mjs';
import { celjsAdapter } from './adapter-celjs.mjs';
import { marcbachmannAdapter } from './adapter-marcbachmann.mjs';
import { CORE_FILES, runConformance, summarize } from './conformance.mjs';
import { ensurePackages, load, resolveEsm } from './packages.mjs';
import { bundleSize } from './size.mjs';
import { CATASTROPHIC, EXPRESSIONS } from './speed.mjs';

const CANDIDATES = [
  { name: '@bufbuild/cel', version: '0.6.1', adapter: bufbuildAdapter },
  { name: '@marcbachmann/cel-js', version: '8.0.0', adapter: marcbachmannAdapter },
  { name: 'cel-js', version: '0.8.2', adapter: celjsAdapter },
];
/** The conformance data, and the protobuf runtime @bufbuild/cel's adapter needs. */
const SUPPORT = [
  { name: '@bufbuild/cel-spec', version: '0.6.1' },
  { name: '@bufbuild/protobuf', version: '2.17.0' },
];

const args = process.argv.slice(2);
const jsonOut = args.includes('--json') ? args[args.indexOf('--json') + 1] : undefined;

const pct = ({ passed, tests }) => `${((100 * passed) / tests).toFixed(1)}% (${passed}/${tests})`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const speedText = (s) =>
  s.error === undefined
    ? `${s.evalsPerSecond.toLocaleString('en-US')}/s, compile ${s.compileMicros} µs`
    : `cannot run it (${s.error})`;

/** The two longest inputs measured: "n=28: 4,353 ms" shows a backtracking engine. */
const regexText = (r) =>
  r.error !== undefined
    ? `cannot run it (${r.error})`
    : Object.entries(r)
        .slice(-2)
        .map(
          ([n, ms]) => `n=${Number(n).toLocaleString('en-US')}: ${ms.toLocaleString('en-US')} ms`,
        )
        .join(', ');

function table(rows) {
  const header = [
    'package',
    'version',
    'core conformance',
    'core, no protobuf',
    'all files',
    'min',
    'min+gzip',
    'policy expression',
    'simple expression',
    'regex (a×n+b)',
  ];
  const lines = rows.map((r) => [
    r.name,
    r.version,
    pct(r.conformance.core),
    pct(r.conformance.coreNoProto),
    pct(r.conformance.all),
    kb(r.size.minified),
    kb(r.size.gzip),
    speedText(r.speed.policy),
    speedText(r.speed.simple),
    regexText(r.speed.regex),
  ]);
  const out = [header, header.map(() => '---'), ...lines];
  return out.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function measure() {
  const sources = ensurePackages([...CANDIDATES, ...SUPPORT]);
  const { tests: data } = await load('@bufbuild/cel-spec/testdata/conformance.js');
  const rows = [];
  for (const candidate of CANDIDATES) {
    const source = sources.find((s) => s.name === candidate.name);
    console.error(`measuring ${candidate.name} ${source.version} (from ${source.from})`);
    const files = runConformance(data, await candidate.adapter(load));
    const speedScript = fileURLToPath(new URL('./speed.mjs', import.meta.url));
    const speed = JSON.parse(
      execFileSync(process.execPath, [speedScript, candidate.name], { encoding: 'utf8' }),
    );
    rows.push({
      name: candidate.name,
      version: source.version,
      from: source.from,
      conformance: summarize(files),
      files: files.map(({ file, tests, passed, noProto, failed }) => ({
        file,
        tests,
        passed,
        noProto,
        ...(args.includes('--failures') ? { failed } : {}),
      })),
      size: await bundleSize(candidate.name),
      speed,
    });
  }
  return { sources, rows };
}

/** Which cel-spec release the test data is from (its package.json says). */
function specRef() {
  const dir = resolveEsm('@bufbuild/cel-spec/testdata/tests.js').replace(/dist\/esm\/.*$/, '');
  const pkg = JSON.parse(readFileSync(`${dir}package.json`, 'utf8'));
  return `cel-spec ${pkg.upstreamCelSpecRef}, via @bufbuild/cel-spec ${pkg.version}`;
}

const { sources, rows } = await measure();
console.log(table(rows));
console.log(
  `\ncore files: ${CORE_FILES.join(', ')}` +
    `\ncel-spec testdata: ${specRef()}` +
    `\npolicy expression: ${EXPRESSIONS.policy}\nsimple expression: ${EXPRESSIONS.simple}` +
    `\nregex: ${CATASTROPHIC} on "a"×n + "b"` +
    `\nnode ${process.versions.node}`,
);
if (jsonOut !== undefined)
  writeFileSync(jsonOut, `${JSON.stringify({ sources, rows }, null, 2)}\n`);
