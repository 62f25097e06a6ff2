// Where the measured packages come from. A package the project already has (in its own
// node_modules) is used as it is; the rest are installed, pinned, into a directory under
// os.tmpdir() with `npm install --prefix`, so the candidates need not be dependencies.
// Modules are loaded by resolved file path (package.json `exports`, import conditions), so
// the same code loads from either place.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TMP = path.join(os.tmpdir(), 'patchtrail-cel-measure');

/** `@scope/name/sub/path.js` → ['@scope/name', './sub/path.js']. */
function split(specifier) {
  const parts = specifier.split('/');
  const n = specifier.startsWith('@') ? 2 : 1;
  const rest = parts.slice(n).join('/');
  return [parts.slice(0, n).join('/'), rest === '' ? '.' : `./${rest}`];
}

function packageJson(base, name) {
  const file = path.join(base, 'node_modules', name, 'package.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/** The directory whose node_modules holds `name`: the project's, else the temporary one. */
export function baseOf(name) {
  if (packageJson(ROOT, name) !== undefined) return ROOT;
  if (packageJson(TMP, name) !== undefined) return TMP;
  throw new Error(`${name} is neither in the project nor in ${TMP}`);
}

export function versionOf(name) {
  return packageJson(baseOf(name), name).version;
}

/**
 * Installs into TMP the packages (`{ name, version }`) the project lacks, unless TMP already
 * has that exact version. Returns where each one comes from.
 */
export function ensurePackages(packages) {
  const wanted = packages.filter(
    ({ name, version }) =>
      packageJson(ROOT, name) === undefined && packageJson(TMP, name)?.version !== version,
  );
  if (wanted.length > 0) {
    mkdirSync(TMP, { recursive: true });
    const specs = wanted.map(({ name, version }) => `${name}@${version}`);
    console.error(`installing ${specs.join(' ')} into ${TMP}`);
    execFileSync('npm', ['install', '--prefix', TMP, '--no-audit', '--no-fund', ...specs], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return packages.map(({ name }) => ({
    name,
    version: versionOf(name),
    from: baseOf(name) === ROOT ? 'project' : 'tmp',
  }));
}

function pick(target) {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  for (const condition of ['import', 'module', 'default', 'node'])
    if (condition in target) {
      const found = pick(target[condition]);
      if (found !== undefined) return found;
    }
  return undefined;
}

/** The absolute path of the ES module a specifier names. */
export function resolveEsm(specifier) {
  const [name, sub] = split(specifier);
  const base = baseOf(name);
  const pkg = packageJson(base, name);
  const dir = path.join(base, 'node_modules', name);
  let target;
  if (pkg.exports !== undefined) {
    const exports =
      typeof pkg.exports === 'string' || !Object.keys(pkg.exports)[0]?.startsWith('.')
        ? { '.': pkg.exports }
        : pkg.exports;
    target = pick(exports[sub]);
  } else target = sub === '.' ? (pkg.module ?? pkg.main ?? 'index.js') : sub;
  if (target === undefined) throw new Error(`cannot resolve ${specifier}`);
  return path.join(dir, target);
}

/** Imports a module by specifier from wherever its package is. */
export function load(specifier) {
  return import(pathToFileURL(resolveEsm(specifier)).href);
}
