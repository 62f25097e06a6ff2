/**
 * A workspace for `apply` tests: an author key and one bundle per named diff, made before the
 * tests run (`beforeAll`); `target()` writes a fresh target directory, `apply(name, dir)` runs
 * `apply` of that bundle with the author trusted.
 */
import { writeFileSync } from 'node:fs';
import { beforeAll } from 'vitest';
import { cliWorkspace } from './cli.ts';
import { writeTree } from './trees.ts';

export function applyWorkspace<Name extends string>(
  prefix: string,
  diffs: Record<Name, string>,
  base: Record<string, string>,
) {
  const space = cliWorkspace(prefix);
  const { at, ok, pt } = space;
  let counter = 0;

  /** A fresh target holding `files`. */
  const target = (files: Record<string, string> = base): string => {
    const dir = at(`t${++counter}`);
    writeTree(dir, files);
    return dir;
  };
  const apply = (name: Name, dir: string, ...extra: string[]) =>
    pt(['apply', at(`${name}.json`), '--dir', dir, '--trust', at('k.pem'), ...extra]);

  beforeAll(async () => {
    await ok(['keygen', '--out', at('k.pem')]);
    for (const [name, diff] of Object.entries<string>(diffs)) {
      writeFileSync(at(`${name}.diff`), diff);
      const bundle = ['--key', at('k.pem'), '--reason', 'r', '--out', at(`${name}.json`)];
      await ok(['create', '--diff', at(`${name}.diff`), ...bundle]);
    }
  });

  return { ...space, target, apply };
}
