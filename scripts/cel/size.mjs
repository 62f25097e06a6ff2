// Bundle size of "parse and evaluate one expression" for each candidate: an entry that
// imports just what that takes, bundled for the browser by rolldown (the bundler inside
// vite 8, from the project's node_modules), minified, then gzipped at level 9.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { rolldown } from 'rolldown';
import { resolveEsm, TMP } from './packages.mjs';

/** What each entry imports and does: the smallest program that parses and evaluates. */
export const SIZE_ENTRIES = {
  '@bufbuild/cel': (from) =>
    `import { celEnv, parse, plan } from ${from};\n` +
    `const env = celEnv();\n` +
    `export const evaluate = (expr, vars) => plan(env, parse(expr))(vars);\n`,
  '@marcbachmann/cel-js': (from) =>
    `import { parse } from ${from};\n` +
    `export const evaluate = (expr, vars) => parse(expr)(vars);\n`,
  'cel-js': (from) =>
    `import { evaluate as run } from ${from};\n` +
    `export const evaluate = (expr, vars) => run(expr, vars);\n`,
};

/** { minified, gzip } bytes of the bundle for one package. */
export async function bundleSize(name) {
  const dir = path.join(TMP, 'size');
  mkdirSync(dir, { recursive: true });
  const input = path.join(dir, `${name.replace(/[@/]/g, '_')}.mjs`);
  writeFileSync(input, SIZE_ENTRIES[name](JSON.stringify(resolveEsm(name))));
  const bundle = await rolldown({
    input,
    platform: 'browser',
    logLevel: 'silent',
    transform: { define: { 'process.env.NODE_ENV': '"production"' } },
  });
  try {
    const { output } = await bundle.generate({ format: 'esm', minify: true });
    const code = output
      .filter((chunk) => chunk.type === 'chunk')
      .map((chunk) => chunk.code)
      .join('\n');
    return { minified: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length };
  } finally {
    await bundle.close();
  }
}
