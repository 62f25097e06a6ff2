/**
 * `patchtrail ledger checkpoint|cosign|prove|vkey|verify-proof` end to end: real processes,
 * real files. The proof pack is also checked by a short Python verifier (hashlib and the
 * `cryptography` package), written from the C2SP and RFC 9162 texts, when Python has it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { patchtrail as run } from '../helpers/cli.ts';

let dir: string;
const at = (name: string) => join(dir, name);
const pt = (args: string[]) => run(args, { env: { PATCHTRAIL_CACHE_DIR: at('cache') } });
const ok = async (args: string[]) => {
  const r = await pt(args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
};
const L = () => ['--ledger', at('team.ledger')];
const vkeys: Record<string, string> = {};
let firstSize = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pt-proofs-'));
  for (const who of ['log', 'dev', 'reviewer', 'w1', 'w2', 'w3'])
    await ok(['keygen', '--out', at(`${who}.pem`)]);
  writeFileSync(at('fix.diff'), '--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n');
  await ok([
    ...['create', '--diff', at('fix.diff'), '--key', at('dev.pem'), '--reason', 'fix'],
    ...['--out', at('b.json')],
  ]);
  await ok(['ledger', 'init', '--key', at('log.pem'), ...L()]);
  for (const who of ['dev', 'reviewer', 'w1', 'w2', 'w3'])
    await ok(['ledger', 'register', '--key', at(`${who}.pem`), ...L()]);
  const built = await ok([
    'ledger',
    'attest',
    at('b.json'),
    '--key',
    at('dev.pem'),
    '--reason',
    'built',
    ...L(),
  ]);
  await ok([
    ...['ledger', 'attest', at('b.json'), '--key', at('reviewer.pem'), '--reason', 'reviewed'],
    ...['--parent', built.trim(), ...L()],
  ]);
  vkeys.log = (await ok(['ledger', 'vkey', '--key', at('log.pem'), ...L()])).trim();
  for (const w of ['w1', 'w2', 'w3'])
    vkeys[w] = (await ok(['ledger', 'vkey', '--witness', '--key', at(`${w}.pem`)])).trim();
});

const pins = (...names: string[]) => names.flatMap((n) => ['--witness', vkeys[n] as string]);

describe('patchtrail ledger checkpoint / cosign', () => {
  it('prints a C2SP checkpoint note signed by the vkey it names', async () => {
    const made = JSON.parse(
      await ok(['ledger', 'checkpoint', '--key', at('log.pem'), '--json', ...L()]),
    ) as {
      note: string;
      vkey: string;
      origin: string;
      size: number;
    };
    expect(made.vkey).toBe(vkeys.log);
    expect(made.vkey.startsWith(`${made.origin}+`)).toBe(true);
    expect(made.origin).toMatch(/^patchtrail\.dev\/ledger\/[0-9a-f]{16}\/did:key:z6Mk\w+$/);
    expect(made.note).toMatch(
      new RegExp(`^${made.origin}\\n${made.size}\\n[A-Za-z0-9+/]{43}=\\n\\n\u2014 `),
    );
    firstSize = made.size;
  });

  it('cosigns as witnesses, the second time with a consistency proof from the first', async () => {
    const line = await ok(['ledger', 'cosign', '--key', at('w1.pem'), ...L()]);
    expect(line).toMatch(/^\u2014 patchtrail\.dev\/witness\/did:key:\S+ [A-Za-z0-9+/]{102}==\n$/);
    const w2 = ['ledger', 'cosign', '--key', at('w2.pem'), '--log-key', vkeys.log as string];
    expect(JSON.parse(await ok([...w2, '--json', ...L()]))).toMatchObject({
      fresh: true,
      previousSize: null,
    });
    await ok([
      'ledger',
      'attest',
      at('b.json'),
      '--key',
      at('dev.pem'),
      '--reason',
      'tested',
      ...L(),
    ]);
    await ok(['ledger', 'checkpoint', '--key', at('log.pem'), ...L()]);
    const again = JSON.parse(
      await ok(['ledger', 'cosign', '--key', at('w1.pem'), '--json', ...L()]),
    );
    expect(again).toMatchObject({ fresh: true, previousSize: firstSize, vkey: vkeys.w1 });
    await ok(['ledger', 'cosign', '--key', at('w2.pem'), ...L()]);
    expect((await pt(['ledger', 'verify', ...L()])).code).toBe(0);
  });

  it('refuses to cosign for a log key that made no checkpoint', async () => {
    const devLog = (await ok(['ledger', 'vkey', '--key', at('dev.pem'), ...L()])).trim();
    const r = await pt(['ledger', 'cosign', '--key', at('w3.pem'), '--log-key', devLog, ...L()]);
    expect([r.code, r.stderr.split(':')[0]]).toEqual([1, 'STALE_LEDGER']);
  });
});

describe('patchtrail ledger prove / verify-proof', () => {
  const pack = () => at('pack.json');

  it('writes a pack that verifies without the ledger against pinned witnesses', async () => {
    const summary = await ok([
      'ledger',
      'prove',
      at('b.json'),
      ...L(),
      ...pins('w1', 'w2'),
      '--out',
      pack(),
    ]);
    expect(summary).toMatch(
      /pack\.json: 4 entries, checkpoint patchtrail\.dev\/ledger\/\S+ size \d+\n$/,
    );
    const text = await ok(['ledger', 'verify-proof', pack(), ...pins('w1', 'w2')]);
    expect(text).toMatch(/2 witness\(es\)/);
    expect(text).toMatch(/ attest reviewed by did:key:\S+ after sha256:/);
    expect(text).toMatch(
      /\nok: 4 entries proven in the log at size \d+\nnot proven: that no other flag/,
    );
    const report = JSON.parse(
      await ok([
        ...['ledger', 'verify-proof', pack(), ...pins('w1', 'w2', 'w3'), '--threshold', '2'],
        ...['--log-key', vkeys.log as string, '--patch', at('b.json'), '--json'],
      ]),
    ) as { ok: boolean; lineage: { kind: string; reason: string }[] };
    expect(report.ok).toBe(true);
    expect(report.lineage.map((s) => `${s.kind} ${s.reason}`)).toEqual([
      'publish fix',
      'attest built',
      'attest reviewed',
      'attest tested',
    ]);
  });

  it('rejects with a code: too few witnesses, a tampered pack, garbage, an oversized file', async () => {
    const code = (r: { code: number; stderr: string }) => [r.code, r.stderr.split(':')[0]];
    expect(code(await pt(['ledger', 'verify-proof', pack(), ...pins('w1', 'w2', 'w3')]))).toEqual([
      1,
      'POLICY_DENIED',
    ]);
    const tampered = JSON.parse(readFileSync(pack(), 'utf8')) as { entries: { index: number }[] };
    (tampered.entries[0] as { index: number }).index += 1;
    writeFileSync(at('tampered.json'), JSON.stringify(tampered));
    const verify = (file: string) => ['ledger', 'verify-proof', at(file), ...pins('w1', 'w2')];
    expect(code(await pt(verify('tampered.json')))).toEqual([1, 'INVALID_METADATA']);
    const json = await pt([...verify('tampered.json'), '--json']);
    expect([json.code, json.stderr, JSON.parse(json.stdout).ok]).toEqual([1, '', false]);
    writeFileSync(at('garbage.json'), '{"mediaType":');
    expect(code(await pt(verify('garbage.json')))).toEqual([1, 'MALFORMED_INPUT']);
    writeFileSync(at('huge.json'), Buffer.alloc(9 * 1024 * 1024, 0x20));
    expect(code(await pt(verify('huge.json')))).toEqual([1, 'TOO_LARGE']);
    const strict = ['ledger', 'prove', at('b.json'), ...L(), ...pins('w1', 'w2', 'w3')];
    expect(code(await pt(strict))).toEqual([1, 'POLICY_DENIED']);
  });

  it('is a usage error without pinned keys or with a malformed vkey', async () => {
    expect((await pt(['ledger', 'verify-proof', pack()])).code).toBe(2);
    expect((await pt(['ledger', 'verify-proof', pack(), '--witness', 'nope'])).code).toBe(2);
    expect(
      (await pt(['ledger', 'verify-proof', pack(), ...pins('w1'), '--threshold', '2'])).code,
    ).toBe(2);
    expect(
      (await pt(['ledger', 'verify-proof', pack(), '--witness', vkeys.log as string])).code,
    ).toBe(2);
  });

  it('a pack with the COMPROMISED flag left out never reads as clean; --policy checks from the pack alone', async () => {
    await ok([
      'ledger',
      'flag',
      at('b.json'),
      '--evidence',
      'backdoor',
      '--key',
      at('log.pem'),
      ...L(),
    ]);
    await ok(['ledger', 'checkpoint', '--key', at('log.pem'), ...L()]);
    for (const w of ['w1', 'w2']) await ok(['ledger', 'cosign', '--key', at(`${w}.pem`), ...L()]);
    await ok([
      'ledger',
      'prove',
      at('b.json'),
      ...L(),
      ...pins('w1', 'w2'),
      '--out',
      at('flagged.json'),
    ]);
    const whole = JSON.parse(readFileSync(at('flagged.json'), 'utf8')) as { entries: unknown[] };
    writeFileSync(
      at('hidden.json'),
      JSON.stringify({ ...whole, entries: whole.entries.slice(0, -1) }),
    );
    const verify = (file: string) => ['ledger', 'verify-proof', at(file), ...pins('w1', 'w2')];
    const shown = await ok(verify('flagged.json'));
    expect(shown).toMatch(/^FLAGGED COMPROMISED by did:key:\S+ in sha256:[0-9a-f]{64}$/m);
    const hidden = await ok(verify('hidden.json'));
    expect(hidden).not.toContain('FLAGGED');
    expect(hidden).toMatch(/^not proven: that no other flag says the patch is compromised$/m);
    writeFileSync(
      at('gate.json'),
      JSON.stringify({
        format: 'urn:patchtrail:policy:v1',
        version: 1,
        rules: [{ id: 'not-flagged', kind: 'not-flagged', mode: 'enforce' }],
      }),
    );
    for (const file of ['hidden.json', 'flagged.json']) {
      const r = await pt([...verify(file), '--policy', at('gate.json')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^POLICY_DENIED: not-flagged: /);
      expect(r.stdout).toMatch(/\n=> denied \(from the pack alone\)\n$/);
    }
    const hiddenRule = await pt([...verify('hidden.json'), '--policy', at('gate.json'), '--json']);
    const json = JSON.parse(hiddenRule.stdout) as {
      ok: boolean;
      decision: { decision: string; rules: { id: string; message: string }[] };
    };
    expect(json.ok).toBe(true);
    expect(json.decision.decision).toBe('deny');
    expect(json.decision.rules[0]?.message).toMatch(/^unmet from a proof pack alone: /);
  });

  const python = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' });
  it.skipIf(python.status !== 0)('is accepted by an independent Python verifier', () => {
    const args = [pack(), vkeys.log as string, vkeys.w1 as string, vkeys.w2 as string];
    const r = spawnSync('python3', ['-c', PYTHON_VERIFIER, ...args], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ok 4 entries at size \d+\n$/);
    const bad = spawnSync('python3', [
      '-c',
      PYTHON_VERIFIER,
      at('tampered.json'),
      ...args.slice(1),
    ]);
    expect(bad.status).not.toBe(0);
  });
});

/** C2SP signed-note + tlog-cosignature + RFC 9162 §2.1.3.2, in Python: argv = pack, vkeys. */
const PYTHON_VERIFIER = String.raw`
import base64, hashlib, json, struct, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
pack = json.load(open(sys.argv[1], encoding="utf-8"))
note = pack["checkpoint"]
split = note.rindex("\n\n")
text, lines = note[: split + 1], note[split + 2 : -1].split("\n")
def signed_by(vkey):
    name, key_id, b64 = vkey.split("+", 2)
    material = base64.b64decode(b64)
    assert hashlib.sha256(name.encode() + b"\n" + material).digest()[:4].hex() == key_id
    for line in lines:
        _, key_name, sig = line.split(" ")
        sig = base64.b64decode(sig)
        if key_name != name or sig[:4].hex() != key_id:
            continue
        message, sig = text.encode(), sig[4:]
        if material[0] == 4:
            time = struct.unpack(">Q", sig[:8])[0]
            message, sig = b"cosignature/v1\ntime %d\n" % time + message, sig[8:]
        Ed25519PublicKey.from_public_bytes(material[1:]).verify(sig, message)
        return True
    return False
assert all(signed_by(k) for k in sys.argv[2:])
origin, size, root = text.split("\n")[:3]
size, root = int(size), base64.b64decode(root)
node = lambda l, r: hashlib.sha256(b"\x01" + l + r).digest()
for item in pack["entries"]:
    fn, sn = item["index"], size - 1
    r = hashlib.sha256(b"\x00" + base64.b64decode(item["entry"])).digest()
    for p in map(base64.b64decode, item["proof"]):
        assert sn > 0
        if fn % 2 == 1 or fn == sn:
            r = node(p, r)
            while fn % 2 == 0 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    assert sn == 0 and r == root, "inclusion proof"
print("ok", len(pack["entries"]), "entries at size", size)
`;
