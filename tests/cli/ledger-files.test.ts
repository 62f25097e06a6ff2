/**
 * `patchtrail ledger` keeping a file whole: verify against the file's own checkpoints and
 * repeated lines, refusing writes by keys out of standing, import keeping held entries and
 * starting new copies.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ledgerFixture } from './ledger-fixture.ts';

const { at, pt, ok, dids, L, copy, lines } = ledgerFixture('pt-ledger-files-');

describe('a ledger file against its own checkpoints', () => {
  /** base + a witness + a checkpoint (by admin) + its cosignature: 7 lines, checkpoint size 5. */
  async function checkpointed(name: string): Promise<string[]> {
    const path = copy(name);
    if (!existsSync(at('witness.pem'))) await ok(['keygen', '--out', at('witness.pem')]);
    await ok(['ledger', 'register', '--key', at('witness.pem'), ...L(name)]);
    await ok(['ledger', 'checkpoint', '--key', at('admin.pem'), ...L(name)]);
    await ok(['ledger', 'cosign', '--key', at('witness.pem'), ...L(name)]);
    expect(JSON.parse(await ok(['ledger', 'verify', '--json', ...L(name)]))).toMatchObject({
      ok: true,
      checkpoints: [],
    });
    return lines(path).slice(0, -1);
  }

  const verifyJson = async (name: string) => {
    const r = await pt(['ledger', 'verify', '--json', ...L(name)]);
    return { code: r.code, report: JSON.parse(r.stdout) as Record<string, unknown> };
  };

  it('reads a copy with CRLF line endings as the file it was copied from, checkpoints included', async () => {
    const original = await checkpointed('crlf-source.ledger');
    writeFileSync(at('crlf.ledger'), `${original.join('\r\n')}\r\n`);
    const { code, report } = await verifyJson('crlf.ledger');
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, rejected: [], checkpoints: [] });
    // Imported into a new copy, its entries are the source's bytes, CRs gone.
    await ok(['ledger', 'import', at('crlf.ledger'), '--ledger', at('from-crlf.ledger')]);
    expect(readFileSync(at('from-crlf.ledger'), 'utf8')).toBe(`${original.join('\n')}\n`);
    // A CR anywhere but at a line's end is still not canonical JSON.
    writeFileSync(at('cr-inside.ledger'), `${original.join('\n').replace('{', '{\r')}\n`);
    expect((await verifyJson('cr-inside.ledger')).code).toBe(1);
  });

  it('reordered covered lines fail verify, and checkpoint refuses to sign the new order', async () => {
    const original = await checkpointed('reordered.ledger');
    const swapped = [...original];
    [swapped[3], swapped[4]] = [original[4] as string, original[3] as string];
    writeFileSync(at('reordered.ledger'), `${swapped.join('\n')}\n`);
    const { code, report } = await verifyJson('reordered.ledger');
    expect(code).toBe(1);
    expect(report).toMatchObject({ ok: false, rejected: [], held: 0 });
    expect(report.checkpoints).toMatchObject([{ size: 5, at: 5 }]);
    const text = await pt(['ledger', 'verify', ...L('reordered.ledger')]);
    expect(text.stderr).toMatch(/^INVALID_METADATA: ledger does not match its own checkpoint/);
    const again = await pt([
      'ledger',
      'checkpoint',
      '--key',
      at('admin.pem'),
      ...L('reordered.ledger'),
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^INVALID_METADATA: .*not signing an inconsistent tree head/);
    expect(lines(at('reordered.ledger')).slice(0, -1)).toEqual(swapped);
  });

  it('a deleted covered line fails verify', async () => {
    const original = await checkpointed('deleted.ledger');
    // The attestation is its author's last entry: removing it breaks no chain.
    writeFileSync(at('deleted.ledger'), `${original.filter((_, i) => i !== 3).join('\n')}\n`);
    const { code, report } = await verifyJson('deleted.ledger');
    expect(code).toBe(1);
    expect(report).toMatchObject({ rejected: [], held: 0 });
    expect(report.checkpoints).toMatchObject([{ size: 5, at: 4 }]);
  });

  it('a repeated line fails verify', async () => {
    const original = await checkpointed('repeated.ledger');
    writeFileSync(at('repeated.ledger'), `${[...original, original[2]].join('\n')}\n`);
    const { code, report } = await verifyJson('repeated.ledger');
    expect(code).toBe(1);
    expect(report.repeated).toMatchObject([{ line: 8 }]);
  });

  it('another copy’s checkpoint, imported with its entries, is not held against this file', async () => {
    const original = await checkpointed('peer-log.ledger');
    copy('mine.ledger');
    await ok(
      ['ledger', 'attest', at('b.json'), '--key', at('dev.pem'), '--reason', 'tested'].concat(
        L('mine.ledger'),
      ),
    );
    await ok(['ledger', 'import', at('peer-log.ledger'), ...L('mine.ledger')]);
    const { code, report } = await verifyJson('mine.ledger');
    expect(report).toMatchObject({ ok: true, checkpoints: [] });
    expect(code).toBe(0);
    expect(lines(at('mine.ledger'))).toHaveLength(original.length + 2);
  });
});

describe('writing with a key out of standing', () => {
  it('attest with a revoked key is refused with REVOKED_KEY and writes nothing', async () => {
    const path = copy('revoked.ledger');
    await ok(
      ['ledger', 'revoke', dids.dev as string, '--key', at('admin.pem')].concat(
        L('revoked.ledger'),
      ),
    );
    const before = readFileSync(path);
    const attest = await pt(
      ['ledger', 'attest', at('b.json'), '--key', at('dev.pem'), '--reason', 'tested'].concat(
        L('revoked.ledger'),
      ),
    );
    expect(attest.code).toBe(1);
    expect(attest.stderr).toMatch(/^REVOKED_KEY: refused: attest .* revoked from sequence 3/);
    expect(readFileSync(path)).toEqual(before);
    const json = await pt(
      ['ledger', 'flag', at('b.json'), '--evidence', 'x', '--key', at('dev.pem'), '--json'].concat(
        L('revoked.ledger'),
      ),
    );
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'REVOKED_KEY' });
  });
});

describe('ledger import', () => {
  it('keeps held entries in FILE.held, reports them, and admits them when their predecessor comes', async () => {
    copy('held-source.ledger');
    for (const reason of ['tested', 'reviewed'])
      await ok(
        ['ledger', 'attest', at('b.json'), '--key', at('dev.pem'), '--reason', reason].concat(
          L('held-source.ledger'),
        ),
      );
    const source = lines(at('held-source.ledger')).slice(0, -1);
    // A partial export: the last entry, without the one before it.
    writeFileSync(at('late.export'), `${source.at(-1) as string}\n`);
    writeFileSync(at('early.export'), `${source.at(-2) as string}\n`);
    const path = copy('held.ledger');
    const first = JSON.parse(
      await ok(['ledger', 'import', at('late.export'), '--json', ...L('held.ledger')]),
    ) as { admitted: number; held: number };
    expect(first).toMatchObject({ admitted: 0, held: 1 });
    expect(lines(`${path}.held`)).toEqual([source.at(-1), '']);
    const text = await ok(['ledger', 'import', at('late.export'), ...L('held.ledger')]);
    expect(text).toMatch(/1 held \(kept in .*held\.ledger\.held/);
    const second = JSON.parse(
      await ok(['ledger', 'import', at('early.export'), '--json', ...L('held.ledger')]),
    ) as { admitted: number; held: number };
    expect(second).toMatchObject({ admitted: 2, held: 0 });
    expect(existsSync(`${path}.held`)).toBe(false);
    expect(lines(path).slice(-3, -1)).toEqual(source.slice(-2));
  });

  it('starts a new copy from an export', async () => {
    const exported = await ok(['ledger', 'export', ...L('base.ledger')]);
    writeFileSync(at('base.export'), `${exported}\n`);
    const made = JSON.parse(
      await ok(['ledger', 'import', at('base.export'), '--json', ...L('fresh.ledger')]),
    ) as { created: boolean; admitted: number; duplicate: number };
    expect(made).toMatchObject({ created: true, admitted: 3, duplicate: 0 });
    expect(readFileSync(at('fresh.ledger'))).toEqual(readFileSync(at('base.ledger')));
    const junk = await pt(['ledger', 'import', at('fix.diff'), ...L('nothing.ledger')]);
    expect(junk.code).toBe(1);
    expect(existsSync(at('nothing.ledger'))).toBe(false);
  });
});

describe('junk, torn and foreign ledger files', () => {
  const junkLines = 3_000;
  /** A copy of the base ledger with junk lines after its own; the number of its first. */
  const junk = (name: string): { path: string; first: number } => {
    const path = copy(name);
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, `${text}${'x\n'.repeat(junkLines)}`);
    return { path, first: text.split('\n').length };
  };

  it('verify says a file of junk lines in a bounded number of lines, and counts them all in --json', async () => {
    const { first } = junk('junk.ledger');
    const run = await pt(['ledger', 'verify', ...L('junk.ledger')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('MALFORMED_INPUT: ledger has rejected lines\n');
    const said = run.stdout.trim().split('\n');
    expect(said.length).toBeLessThan(60);
    expect(said.at(-1)).toBe(
      `and ${(junkLines - 50).toLocaleString('en-US')} more rejected lines (${junkLines.toLocaleString('en-US')} in all; --json lists the first 1,000)`,
    );
    const json = JSON.parse(
      (await pt(['ledger', 'verify', '--json', ...L('junk.ledger')])).stdout,
    ) as { rejected: { line: number }[]; rejectedCount: number };
    expect(json.rejectedCount).toBe(junkLines);
    expect(json.rejected).toHaveLength(1000);
    expect(json.rejected[0]?.line).toBe(first);
  });

  it('import keeps the first 1,000 junk lines as evidence and one record for the rest, each time', async () => {
    const source = junk('junk-source.ledger').path;
    const path = copy('junk-target.ledger');
    const said = await ok(['ledger', 'import', source, ...L('junk-target.ledger')]);
    expect(said).toContain(`${junkLines} rejected (kept in`);
    const evidence = lines(`${path}.quarantine`).filter((l) => l !== '');
    expect(evidence).toHaveLength(1001);
    const last = JSON.parse(evidence.at(-1) as string) as { message: string; bytes: string };
    expect(last.message).toMatch(
      /^2000 more rejected lines, not kept one by one: the source's SHA-256 is [0-9a-f]{64}$/,
    );
    await ok(['ledger', 'import', source, ...L('junk-target.ledger')]);
    expect(lines(`${path}.quarantine`).filter((l) => l !== '')).toHaveLength(2002);
    expect(lines(path)).toEqual(lines(at('base.ledger'))); // nothing of it admitted
  });

  it('import says a torn last line was not imported, and keeps its bytes as evidence', async () => {
    const source = copy('torn-source.ledger');
    await ok(
      ['ledger', 'attest', at('b.json'), '--key', at('dev.pem'), '--reason', 'tested'].concat(
        L('torn-source.ledger'),
      ),
    );
    const whole = readFileSync(source);
    writeFileSync(source, whole.subarray(0, whole.length - 1)); // the last line's newline lost
    const path = copy('torn-target.ledger');
    const said = await ok(['ledger', 'import', source, ...L('torn-target.ledger')]);
    const tail = whole.length - 1 - whole.subarray(0, -1).lastIndexOf(0x0a) - 1;
    expect(said).toContain(
      `its last ${tail} bytes are not a complete line (no line break at the end), not imported (kept in`,
    );
    const kept = JSON.parse(lines(`${path}.quarantine`)[0] as string) as { bytes: string };
    expect(Buffer.from(kept.bytes, 'base64').toString()).toBe(
      whole.subarray(whole.length - 1 - tail, whole.length - 1).toString(),
    );
    const json = JSON.parse(
      await ok(['ledger', 'import', source, '--json', ...L('torn-target.ledger')]),
    ) as { tornTail: number };
    expect(json.tornTail).toBe(tail);
  });

  it('import refuses another ledger’s file whole, and changes nothing', async () => {
    await ok(['ledger', 'init', '--key', at('dev.pem'), ...L('other.ledger')]);
    const path = copy('foreign-target.ledger');
    const run = await pt(['ledger', 'import', at('other.ledger'), ...L('foreign-target.ledger')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^MALFORMED_INPUT: .*other\.ledger is the file of another ledger \(sha256:[0-9a-f]{64}\), not of this one \(sha256:[0-9a-f]{64}\): nothing imported\n$/,
    );
    expect(lines(path)).toEqual(lines(at('base.ledger')));
    expect(existsSync(`${path}.quarantine`)).toBe(false);
  });
});

describe('names', () => {
  it('init names the ledger, --admin-name names its founder, and register again renames', async () => {
    const N = L('named.ledger');
    await ok([
      'ledger',
      'init',
      '--key',
      at('admin.pem'),
      '--name',
      'team',
      '--admin-name',
      'alice',
      ...N,
    ]);
    await ok(['ledger', 'register', '--key', at('dev.pem'), '--name', 'dev', ...N]);
    const who = async () =>
      (
        JSON.parse(await ok(['ledger', 'identities', '--json', ...N])) as {
          identities: { did: string; name: string }[];
        }
      ).identities;
    expect((await who()).find((i) => i.did === dids.admin)?.name).toBe('alice');
    await ok(['ledger', 'register', '--key', at('admin.pem'), '--name', 'alice smith', ...N]);
    await ok(['ledger', 'register', '--key', at('dev.pem'), '--name', 'build box', ...N]);
    const names = new Map((await who()).map((i) => [i.did, i.name]));
    expect(names.get(dids.admin as string)).toBe('alice smith');
    expect(names.get(dids.dev as string)).toBe('build box');
    const log = JSON.parse(await ok(['ledger', 'log', '--json', ...N])) as {
      entries: { kind: string; body: { name?: string } }[];
    };
    expect(log.entries[0]?.body.name).toBe('team');
    // Without --admin-name the founder has no name: the ledger's is not its.
    await ok(['ledger', 'init', '--key', at('admin.pem'), '--name', 'team', ...L('plain.ledger')]);
    const plain = JSON.parse(
      await ok(['ledger', 'identities', '--json', ...L('plain.ledger')]),
    ) as {
      identities: { did: string; name: string }[];
    };
    expect(plain.identities.find((i) => i.did === dids.admin)?.name).toBe('');
  });
});

describe('ledger --help', () => {
  it('gives every word with its summary and usage', async () => {
    const help = await ok(['ledger', '--help']);
    const { LEDGER_COMMANDS } = await import('../../src/cli/commands/ledger.ts');
    for (const command of LEDGER_COMMANDS) {
      expect(help).toContain(`${command.name.slice('ledger '.length)}: ${command.summary}`);
      expect(help).toContain(command.usage);
    }
  });
});
