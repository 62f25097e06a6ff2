import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dsse } from '@sigstore/core';
import { patchtrail, run } from '../helpers/cli.ts';
import { SAMPLE_DIFF } from '../helpers/bundles.ts';

let dir: string;
const at = (name: string) => join(dir, name);

/** A fresh repository at `name` and a git that commits there as `user`. */
function gitRepo(name: string, user: string): (...args: string[]) => string {
  const repo = at(name);
  mkdirSync(repo);
  const [userName, email] = user.split(' <');
  return (...args: string[]) => {
    const r = run(
      'git',
      [
        '-c',
        `user.name=${userName}`,
        '-c',
        `user.email=${(email ?? '').replace('>', '')}`,
        ...args,
      ],
      repo,
    );
    if (r.code !== 0) throw new Error(r.stderr);
    return r.stdout;
  };
}

/** `git format-patch` of one commit by `user` that changes `file` from `before` to `after`. */
function oneCommitMail(
  user: string,
  file: string,
  [before, after]: string[],
  subject: string,
): string {
  const name = `repo-${file}`;
  const git = gitRepo(name, user);
  git('init', '-q');
  writeFileSync(at(`${name}/${file}`), before ?? '');
  git('add', '.');
  git('commit', '-qm', 'initial');
  writeFileSync(at(`${name}/${file}`), after ?? '');
  git('commit', '-qam', subject);
  return git('format-patch', '-1', '--stdout');
}

const gitFormatPatch = () =>
  oneCommitMail(
    'Ada Lovelace <ada@example.org>',
    'calc.py',
    ['def add(a, b):\n    return a - b\n', 'def add(a, b):\n    return a + b\n'],
    'calc: add really adds',
  );

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pt-cli-'));
  writeFileSync(at('sample.diff'), SAMPLE_DIFF);
  writeFileSync(at('fix.patch'), gitFormatPatch());
  expect(run('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', at('author.pem')]).code).toBe(
    0,
  );
  expect(
    run('openssl', ['pkey', '-in', at('author.pem'), '-pubout', '-out', at('author.pub.pem')]).code,
  ).toBe(0);
});

describe('patchtrail CLI', () => {
  it('has --help on every command, and usage errors exit 2', async () => {
    for (const command of ['keygen', 'id', 'create', 'attest', 'verify', 'inspect']) {
      const help = await patchtrail([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toContain(`usage: patchtrail ${command}`);
    }
    const overview = (await patchtrail(['--help'])).stdout;
    expect(overview).toContain('keygen');
    // Every summary starts in one column, clear of the longest name.
    const rows = overview.split('\n').filter((l) => /^ {2}[a-z]/.test(l));
    const columns = new Set(rows.map((l) => /^ {2}[a-z-]+(?: [a-z-]+)? {2,}/.exec(l)?.[0].length));
    expect(rows.length).toBeGreaterThan(30);
    expect(columns.size).toBe(1);
    expect(overview).toMatch(/^ {2}ledger verify-proof {2}verify a proof pack/m);
    expect((await patchtrail([])).code).toBe(2);
    expect((await patchtrail(['frobnicate'])).code).toBe(2);
    expect((await patchtrail(['verify', '--bogus', 'x'])).code).toBe(2);
    expect((await patchtrail(['verify'])).code).toBe(2);
    expect(
      (
        await patchtrail([
          'create',
          '--diff',
          at('sample.diff'),
          '--key',
          at('author.pem'),
          '--reason',
          'x',
          '--strip',
          'two',
        ])
      ).code,
    ).toBe(2);
    expect((await patchtrail(['verify', at('missing.json')])).code).toBe(2);
  });

  it('keygen writes a 0600 PKCS#8 key that openssl reads; id gives the same did:key for both halves', async () => {
    const made = await patchtrail(['keygen', '--out', at('k.pem')]);
    expect(made.code).toBe(0);
    const did = made.stdout.trim();
    expect(did).toMatch(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/);
    expect(statSync(at('k.pem')).mode & 0o777).toBe(0o600);
    expect(
      run('openssl', ['pkey', '-in', at('k.pem'), '-pubout', '-out', at('k.pub.pem')]).code,
    ).toBe(0);
    expect((await patchtrail(['id', at('k.pem')])).stdout.trim()).toBe(did);
    expect((await patchtrail(['id', at('k.pub.pem')])).stdout.trim()).toBe(did);
    expect((await patchtrail(['keygen', '--out', at('k.pem')])).code).toBe(2); // never overwrites a key
  });

  it('signs with an openssl key; the signature verifies in openssl over PAE built by @sigstore/core', async () => {
    const created = await patchtrail([
      'create',
      '--diff',
      at('sample.diff'),
      '--key',
      at('author.pem'),
      '--reason',
      'Fix greeting',
      '--component',
      'greet',
      '--component',
      'libc',
      '--out',
      at('b.json'),
    ]);
    expect(created.code, created.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(at('b.json'), 'utf8'));
    const payload = Buffer.from(bundle.envelope.payload, 'base64');
    writeFileSync(at('pae.bin'), dsse.preAuthEncoding(bundle.envelope.payloadType, payload));
    writeFileSync(at('sig.bin'), Buffer.from(bundle.envelope.signatures[0].sig, 'base64'));
    const checked = run('openssl', [
      'pkeyutl',
      '-verify',
      '-pubin',
      '-inkey',
      at('author.pub.pem'),
      '-rawin',
      '-in',
      at('pae.bin'),
      '-sigfile',
      at('sig.bin'),
    ]);
    expect(checked.stdout + checked.stderr).toContain('Signature Verified Successfully');
    // and a flipped PAE byte fails in openssl too
    const pae = readFileSync(at('pae.bin'));
    pae.writeUInt8(pae.readUInt8(pae.length - 5) ^ 1, pae.length - 5);
    writeFileSync(at('pae-bad.bin'), pae);
    expect(
      run('openssl', [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        at('author.pub.pem'),
        '-rawin',
        '-in',
        at('pae-bad.bin'),
        '-sigfile',
        at('sig.bin'),
      ]).code,
    ).not.toBe(0);
    const statement = JSON.parse(payload.toString('utf8'));
    expect(statement.subject[0].digest.sha256).toBe(
      createHash('sha256').update(SAMPLE_DIFF).digest('hex'),
    );
    expect(statement.predicate.affected_components).toEqual(['greet', 'libc']);
  });

  it('verify: integrity only says so; --trust with a PEM or a DID; outsiders are UNKNOWN_AUTHOR', async () => {
    const plain = await patchtrail(['verify', at('b.json')]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/integrity only/);
    expect((await patchtrail(['verify', at('b.json'), '--trust', at('author.pub.pem')])).code).toBe(
      0,
    );
    const did = (await patchtrail(['id', at('author.pem')])).stdout.trim();
    const json = await patchtrail(['verify', at('b.json'), '--trust', did, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      trustChecked: true,
      report: { author: { did, trusted: true } },
    });
    const outsider = await patchtrail(['verify', at('b.json'), '--trust', at('k.pem')]);
    expect(outsider.code).toBe(1);
    expect(outsider.stderr).toMatch(/^UNKNOWN_AUTHOR: .+\n$/);
    expect(
      JSON.parse(
        (await patchtrail(['verify', at('b.json'), '--trust', at('k.pem'), '--json'])).stdout,
      ),
    ).toMatchObject({ ok: false, code: 'UNKNOWN_AUTHOR' });
    expect((await patchtrail(['verify', at('b.json'), '--trust', 'did:key:nope'])).code).toBe(2);
    // Saved again by an editor that adds a byte order mark and CRLF line endings: the same bundle.
    const notepad = `\ufeff${readFileSync(at('b.json'), 'utf8').replaceAll('\n', '\r\n')}`;
    writeFileSync(at('b-notepad.json'), notepad);
    const again = await patchtrail(['verify', at('b-notepad.json'), '--trust', did, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).report.payloadDigest).toBe(
      JSON.parse(json.stdout).report.payloadDigest,
    );
  });

  it('create reads a format-patch whose author and subject are not ASCII as git wrote them (RFC 2047), decoded', async () => {
    // Long enough that git folds the encoded subject over two lines.
    const mail = oneCommitMail(
      'Jürgen Müller <jm@example.org>',
      'menu.txt',
      ['cafe\n', 'café\n'],
      'Spell café with its accent — a naïve fix for the menu’s résumé page',
    );
    expect(mail).toMatch(/^Subject: \[PATCH\] =\?UTF-8\?q\?/m);
    writeFileSync(at('utf8.patch'), mail);
    const created = await patchtrail([
      'create',
      '--diff',
      at('utf8.patch'),
      '--key',
      at('author.pem'),
      '--out',
      at('u.json'),
    ]);
    expect(created.code, created.stderr).toBe(0);
    const { predicate } = JSON.parse(
      (await patchtrail(['inspect', at('u.json'), '--json'])).stdout,
    ).report;
    expect(predicate.reason_for_patch).toBe(
      'Spell café with its accent — a naïve fix for the menu’s résumé page',
    );
    expect(predicate.source_headers.fields.from).toBe('Jürgen Müller <jm@example.org>');
  });

  it('create takes provenance from git format-patch headers, digests from files, and a diff on stdin', async () => {
    writeFileSync(at('env.txt'), 'debian bookworm, gcc 12\n');
    const created = await patchtrail(
      [
        'create',
        '--diff',
        '-',
        '--key',
        at('author.pem'),
        '--build-env',
        at('env.txt'),
        '--tests',
        `sha256:${'1'.repeat(64)}`,
        '--out',
        at('fp.json'),
      ],
      { input: readFileSync(at('fix.patch')) },
    );
    expect(created.code, created.stderr).toBe(0);
    const inspected = JSON.parse((await patchtrail(['inspect', at('fp.json'), '--json'])).stdout);
    const predicate = inspected.report.predicate;
    expect(predicate.reason_for_patch).toBe('calc: add really adds');
    expect(predicate.source_headers).toMatchObject({
      format: 'git-format-patch',
      fields: { from: 'Ada Lovelace <ada@example.org>', subject: '[PATCH] calc: add really adds' },
    });
    expect(predicate.files).toEqual(['calc.py']);
    const sha = run('sha256sum', [at('env.txt')]).stdout.split(' ')[0];
    expect(predicate.build_environment).toBe(`sha256:${sha}`);
    expect(predicate.validation_tests).toBe(`sha256:${'1'.repeat(64)}`);
    const text = await patchtrail(['inspect', at('fp.json')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('return a + b');
  });

  it('attest appends a reviewer; verify lists it with its verdict and note', async () => {
    expect((await patchtrail(['keygen', '--out', at('rev.pem')])).code).toBe(0);
    const attested = await patchtrail([
      'attest',
      at('b.json'),
      '--key',
      at('rev.pem'),
      '--role',
      'reviewer',
      '--note',
      'read every line',
      '--out',
      at('b2.json'),
    ]);
    expect(attested.code, attested.stderr).toBe(0);
    const again = await patchtrail([
      'attest',
      at('b2.json'),
      '--key',
      at('k.pem'),
      '--role',
      'compliance',
      '--verdict',
      'fail',
    ]);
    expect(again.code).toBe(0);
    writeFileSync(at('b3.json'), again.stdout);
    const report = JSON.parse(
      (await patchtrail(['verify', at('b3.json'), '--json'])).stdout,
    ).report;
    expect(
      report.attestations.map((a: { role: string; verdict: string }) => [a.role, a.verdict]),
    ).toEqual([
      ['reviewer', 'pass'],
      ['compliance', 'fail'],
    ]);
    expect(report.attestations[0].note).toBe('read every line');
    expect(
      (
        await patchtrail([
          'attest',
          at('b.json'),
          '--key',
          at('rev.pem'),
          '--role',
          'reviewer',
          '--verdict',
          'maybe',
        ])
      ).code,
    ).toBe(2);
    expect(
      (
        await patchtrail([
          'attest',
          at('b.json'),
          '--key',
          at('author.pub.pem'),
          '--role',
          'reviewer',
        ])
      ).code,
    ).toBe(2);
  });

  it('rejects bad input with exit 1, a code and one line, never a stack trace', async () => {
    const bundle = JSON.parse(readFileSync(at('b.json'), 'utf8'));
    const statement = Buffer.from(bundle.envelope.payload, 'base64').toString('utf8');
    bundle.envelope.payload = Buffer.from(
      statement.replace('Fix greeting', 'Fix greetinG'),
    ).toString('base64');
    writeFileSync(at('tampered.json'), JSON.stringify(bundle));
    writeFileSync(at('garbage.json'), '{"mediaType": 5');
    writeFileSync(at('prose.diff'), 'Dear reviewer, please apply.\n');
    writeFileSync(at('bad.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    writeFileSync(at('huge.json'), Buffer.alloc(16 * 1024 * 1024 + 1, 0x20));
    const cases: [string[], string][] = [
      [['verify', at('tampered.json')], 'INVALID_SIGNATURE'],
      [['inspect', at('tampered.json')], 'INVALID_SIGNATURE'],
      [['verify', at('garbage.json')], 'MALFORMED_INPUT'],
      [['verify', at('huge.json')], 'TOO_LARGE'],
      [
        ['create', '--diff', at('prose.diff'), '--key', at('author.pem'), '--reason', 'x'],
        'MALFORMED_INPUT',
      ],
      [
        ['create', '--diff', at('sample.diff'), '--key', at('bad.pem'), '--reason', 'x'],
        'MALFORMED_INPUT',
      ],
      [
        ['attest', at('tampered.json'), '--key', at('rev.pem'), '--role', 'reviewer'],
        'INVALID_SIGNATURE',
      ],
    ];
    // No --reason, and a plain diff with no header to take one from: it says where one comes from.
    const noReason = await patchtrail([
      'create',
      '--diff',
      at('sample.diff'),
      '--key',
      at('author.pem'),
    ]);
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toBe(
      'INVALID_METADATA: a reason for the patch is required, and the diff states none (no Subject: or Description: header)\n',
    );
    for (const [args, code] of cases) {
      const result = await patchtrail(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^${code}: [^\\n]+\\n$`));
      expect(result.stderr).not.toMatch(/\bat .*\.(m?js|ts):\d+/);
      const json = await patchtrail([...args, '--json']);
      if (args[0] === 'verify' || args[0] === 'inspect') {
        expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code });
      }
    }
  });
});
