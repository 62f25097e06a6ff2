import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { verify } from '../../src/core/crypto/ed25519.ts';
import { makeSeedSigner, type Signer } from '../../src/core/crypto/signer.ts';
import type { ErrorCode } from '../../src/core/errors.ts';
import {
  MAX_NOTE_SIGNATURES,
  SIGNATURE_TYPE_COSIGNATURE,
  SIGNATURE_TYPE_ED25519,
  addSignatures,
  computeKeyId,
  formatKeyId,
  formatNote,
  formatVerifierKey,
  isValidKeyName,
  makeCosigner,
  makeNoteSigner,
  makeVerifierKey,
  openNote,
  parseNote,
  parseVerifierKey,
  signNote,
} from '../../src/core/ledger/note.ts';
import { loadVector } from '../helpers/vectors.ts';
import { codeOf } from '../helpers/codes.ts';

interface NoteCase {
  name: string;
  verifierKey: string;
  verifierKeys: string[];
  signedNote: string | null;
  signedNoteBase64: string;
  valid: boolean;
  expectedText?: string;
  signerKey?: string;
  implementationDefined: boolean;
}
interface VkeyCase {
  vkey: string;
  valid: boolean;
  name?: string;
  keyIdHex?: string;
  signatureType?: number;
  publicKeyHex?: string;
}
interface ParseOnlyCase {
  name: string;
  signedNote: string;
  expectedText: string;
  expectedSignatures: {
    keyName: string;
    keyIdHex: string;
    signatureBase64: string;
    signatureLength: number;
  }[];
}

const notes = loadVector<{ cases: NoteCase[] }>('c2sp-note/notes.json').cases;
const vkeys = loadVector<{ cases: VkeyCase[] }>('c2sp-note/vkeys.json').cases;
const parseOnly = loadVector<{ cases: ParseOnlyCase[] }>('c2sp-note/parse-only.json').cases;

const PETER = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SUMDB = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const TEXT = 'If you think cryptography is the answer to your problem,\n';

const b64 = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'base64'));
const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Expected rejection codes of the invalid notes.json cases. */
const EXPECTED_CODES: Record<string, ErrorCode> = {
  'xmod-invalid-signature': 'INVALID_SIGNATURE',
  'xmod-too-many-signatures': 'TOO_LARGE',
  'xmod-unknown-key-name': 'UNKNOWN_AUTHOR',
  'xmod-unknown-key-id': 'UNKNOWN_AUTHOR',
};

/** Go's "PRIVATE+KEY+<name>+<id>+base64(0x01 || seed)" signer key (test helper only). */
async function signerFromGoKey(skey: string): Promise<{ name: string; signer: Signer }> {
  const [, name, , material] = /^PRIVATE\+KEY\+([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(skey) ?? [];
  const bytes = b64(material ?? '');
  expect(bytes[0]).toBe(SIGNATURE_TYPE_ED25519);
  return { name: name ?? '', signer: await makeSeedSigner(bytes.slice(1)) };
}

const seed = (n: number): Uint8Array => new Uint8Array(32).fill(n);

describe('verifier keys (c2sp-note/vkeys.json)', () => {
  it('has the 7 cases of the README', () => {
    expect(vkeys).toHaveLength(7);
    expect(vkeys.filter((c) => c.valid)).toHaveLength(5);
  });

  it.each(vkeys.filter((c) => c.valid))('parses and re-encodes $vkey', (c) => {
    const key = parseVerifierKey(c.vkey);
    expect(key.name).toBe(c.name);
    expect(formatKeyId(key.keyId)).toBe(c.keyIdHex);
    expect(key.type).toBe(c.signatureType);
    expect(hexOf(key.publicKey)).toBe(c.publicKeyHex);
    expect(formatVerifierKey(key)).toBe(c.vkey);
    expect(formatVerifierKey(makeVerifierKey(key.name, key.publicKey))).toBe(c.vkey);
  });

  it.each(vkeys.filter((c) => !c.valid))('rejects $vkey', async (c) => {
    expect(await codeOf(() => parseVerifierKey(c.vkey))).toBe('MALFORMED_INPUT');
  });

  it('rejects every proper substring and every single-byte increment of a vkey', async () => {
    const rejected: string[] = [];
    const variants: string[] = [];
    for (let i = 0; i < PETER.length; i++) {
      for (let j = i + 1; j <= PETER.length; j++)
        if (j - i < PETER.length) variants.push(PETER.slice(i, j));
      const code = PETER.charCodeAt(i) + 1;
      variants.push(PETER.slice(0, i) + String.fromCharCode(code) + PETER.slice(i + 1));
    }
    for (const variant of variants) {
      if ((await codeOf(() => parseVerifierKey(variant))) === 'MALFORMED_INPUT')
        rejected.push(variant);
    }
    expect(variants.length).toBeGreaterThan(2000);
    expect(rejected).toEqual(variants);
  });

  it('rejects upper-case key IDs, URL-safe base64 and key types other than 0x01 and 0x04', async () => {
    const key = parseVerifierKey(PETER);
    expect(await codeOf(() => parseVerifierKey(PETER.replace('c74f20a3', 'C74F20A3')))).toBe(
      'MALFORMED_INPUT',
    );
    const sumdbUrlSafe = SUMDB.slice(0, 24) + SUMDB.slice(24).replaceAll('+', '-');
    expect(await codeOf(() => parseVerifierKey(sumdbUrlSafe))).toBe('MALFORMED_INPUT');
    const material = Buffer.concat([Buffer.from([0x02]), key.publicKey]).toString('base64');
    const id = formatKeyId(computeKeyId(key.name, 0x02, key.publicKey));
    expect(await codeOf(() => parseVerifierKey(`${key.name}+${id}+${material}`))).toBe(
      'MALFORMED_INPUT',
    );
    const cosignKey = makeVerifierKey(key.name, key.publicKey, SIGNATURE_TYPE_COSIGNATURE);
    expect(parseVerifierKey(formatVerifierKey(cosignKey))).toEqual(cosignKey);
    expect(cosignKey.keyId).not.toBe(key.keyId);
  });

  it('knows which key names are valid', () => {
    expect(isValidKeyName('example.com/log42')).toBe(true);
    expect(isValidKeyName('oid/1.3.6.1.4.1')).toBe(true);
    for (const bad of ['', 'a b', 'a+b', 'a\u00a0b', 'a\u2028b', 'a\u3000b', 'a\u0085b', 'a\tb']) {
      expect(isValidKeyName(bad)).toBe(false);
    }
  });
});

describe('signed notes (c2sp-note/notes.json)', () => {
  it('has the 19 cases of the README', () => {
    expect(notes).toHaveLength(19);
    expect(notes.filter((c) => c.valid)).toHaveLength(8);
  });

  it.each(notes)('$name (valid: $valid)', async (c) => {
    const trusted = c.verifierKeys.map(parseVerifierKey);
    const bytes = b64(c.signedNoteBase64);
    if (c.valid) {
      const opened = await openNote(bytes, trusted);
      expect(opened.text).toBe(c.expectedText);
      expect(opened.verified.map((v) => v.key)).toEqual(
        trusted.filter((k) => c.signedNote?.includes(`\u2014 ${k.name} `)),
      );
      expect(opened.verified.every((v) => v.timestamp === undefined)).toBe(true);
    } else {
      const code = await codeOf(() => openNote(bytes, trusted));
      expect(code).toBe(EXPECTED_CODES[c.name] ?? 'MALFORMED_INPUT');
    }
  });

  it('reports signatures from unknown keys as unverified', async () => {
    const c = notes.find((n) => n.name === 'xmod-peter-and-unknown-enoch');
    const opened = await openNote(b64(c?.signedNoteBase64 ?? ''), [parseVerifierKey(PETER)]);
    expect(opened.unverified.map((s) => [s.keyName, formatKeyId(s.keyId)])).toEqual([
      ['EnochRoot', 'af0cfe78'],
    ]);
  });

  it.each(notes.filter((c) => c.signerKey !== undefined))(
    'reproduces $name byte for byte by signing',
    async (c) => {
      const { name, signer } = await signerFromGoKey(c.signerKey ?? '');
      const noteSigner = makeNoteSigner(name, signer);
      expect(formatVerifierKey(noteSigner.key)).toBe(c.verifierKey);
      expect(await signNote(c.expectedText ?? '', [noteSigner])).toBe(c.signedNote);
    },
  );
});

describe('spec examples (c2sp-note/parse-only.json)', () => {
  it.each(parseOnly)('parses $name', (c) => {
    const note = parseNote(c.signedNote);
    expect(note.text).toBe(c.expectedText);
    expect(
      note.signatures.map((s) => ({
        keyName: s.keyName,
        keyIdHex: formatKeyId(s.keyId),
        signatureBase64: Buffer.concat([
          Buffer.from(formatKeyId(s.keyId), 'hex'),
          s.signature,
        ]).toString('base64'),
        signatureLength: s.signature.length,
      })),
    ).toEqual(c.expectedSignatures);
    expect(formatNote(note)).toBe(c.signedNote);
  });

  it('reads the cosignature timestamp of the tlog-cosignature example (time 1679315147)', () => {
    const c = parseOnly.find((n) => n.name === 'c2sp-tlog-cosignature-example');
    const cosig = parseNote(c?.signedNote ?? '').signatures[1]?.signature ?? new Uint8Array();
    expect(Buffer.from(cosig).readBigUInt64BE(0)).toBe(1679315147n);
  });

  it('the checkpoint example is a sum.golang.org signature over an edited origin', async () => {
    const c = parseOnly.find((n) => n.name === 'c2sp-tlog-checkpoint-example');
    const example = c?.signedNote ?? '';
    const sumdb = parseVerifierKey(SUMDB);
    // As printed: the key name differs from sum.golang.org, so the signature is from an unknown key.
    expect(await codeOf(() => openNote(example, [sumdb]))).toBe('UNKNOWN_AUTHOR');
    const renamed = example.replace(
      '\u2014 example.com/behind-the-sofa ',
      '\u2014 sum.golang.org ',
    );
    expect(await codeOf(() => openNote(renamed, [sumdb]))).toBe('INVALID_SIGNATURE');
    const original = renamed.replace('example.com/behind-the-sofa\n', 'go.sum database tree\n');
    const opened = await openNote(original, [sumdb]);
    expect(opened.text.startsWith('go.sum database tree\n20852163\n')).toBe(true);
  });
});

describe('strict note syntax', () => {
  const signed = async (): Promise<{ note: string; key: ReturnType<typeof parseVerifierKey> }> => {
    const signer = makeNoteSigner('example.com/log', await makeSeedSigner(seed(7)));
    return { note: await signNote(TEXT, [signer]), key: signer.key };
  };

  it.each([
    ['a carriage return', (n: string) => n.replace('problem,\n', 'problem,\r\n')],
    ['a tab', (n: string) => n.replace('you think', 'you\tthink')],
    ['no final newline', (n: string) => n.slice(0, -1)],
    ['a trailing blank line', (n: string) => `${n}\n`],
    ['no blank line', (n: string) => n.replace('\n\n', '\n')],
    ['a hyphen instead of an em dash', (n: string) => n.replace('\u2014', '-')],
    ['two spaces after the dash', (n: string) => n.replace('\u2014 ', '\u2014  ')],
    ['unpadded base64', (n: string) => n.replace(/=\n$/, '\n')],
    ['a lone surrogate', (n: string) => n.replace('answer', 'ans\ud800wer')],
    [
      'a space inside the key name',
      (n: string) => n.replace('example.com/log', 'example.com/ log'),
    ],
    ['a non-breaking space after the name', (n: string) => n.replace('/log ', '/log\u00a0')],
    ['a 4-byte signature', (n: string) => n.replace(/log \S+\n$/, 'log AAAAAA==\n')],
  ])('rejects a note with %s as MALFORMED_INPUT', async (_what, mutate) => {
    const { note, key } = await signed();
    expect((await openNote(note, [key])).text).toBe(TEXT);
    expect(await codeOf(() => openNote(mutate(note), [key]))).toBe('MALFORMED_INPUT');
  });

  it('rejects invalid UTF-8 bytes and accepts the same note as bytes or string', async () => {
    const { note, key } = await signed();
    const bytes = new TextEncoder().encode(note);
    expect((await openNote(bytes, [key])).text).toBe(TEXT);
    const bad = Uint8Array.from([...bytes.subarray(0, 3), 0xc3, ...bytes.subarray(3)]);
    expect(await codeOf(() => openNote(bad, [key]))).toBe('MALFORMED_INPUT');
  });

  it(`accepts ${MAX_NOTE_SIGNATURES} signature lines and refuses one more`, async () => {
    const { note, key } = await signed();
    const line = note.slice(TEXT.length + 1);
    const unknown = line.replace('example.com/log', 'other.example');
    const many = (n: number): string => `${TEXT}\n${line}${unknown.repeat(n - 1)}`;
    expect((await openNote(many(16), [key])).unverified).toHaveLength(1); // identical lines once
    expect((await openNote(many(MAX_NOTE_SIGNATURES), [key])).text).toBe(TEXT);
    expect(await codeOf(() => openNote(many(MAX_NOTE_SIGNATURES + 1), [key]))).toBe('TOO_LARGE');
  });

  it('rejects a note with one good and one bad signature by the same trusted key', async () => {
    const { note, key } = await signed();
    const line = note.slice(TEXT.length + 1);
    const sig = b64(line.split(' ')[2] ?? '');
    sig[10] = (sig[10] ?? 0) ^ 1;
    const bad = `\u2014 example.com/log ${Buffer.from(sig).toString('base64')}\n`;
    expect(await codeOf(() => openNote(`${note}${bad}`, [key]))).toBe('INVALID_SIGNATURE');
  });

  it('answers any corrupted note or vkey with a result or a coded rejection', async () => {
    const { note, key } = await signed();
    const bytes = new TextEncoder().encode(`${note}\u2014 other.example AAAAAAA=\n`);
    const edit = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), op: fc.nat(2) });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 4 }), async (edits) => {
        let mutated = bytes;
        for (const { at, byte, op } of edits) {
          const i = at % mutated.length;
          const head = mutated.subarray(0, i);
          const tail = mutated.subarray(op === 1 ? i : i + 1);
          mutated = Uint8Array.from([...head, ...(op === 2 ? [] : [byte]), ...tail]);
        }
        const code = await codeOf(() => openNote(mutated, [key]));
        expect(code).not.toBe('uncoded');
        const text = new TextDecoder().decode(mutated);
        expect(await codeOf(() => parseVerifierKey(text.slice(0, 80)))).not.toBe('uncoded');
      }),
      { numRuns: 500 },
    );
  });

  it('refuses to sign text that is not a valid note text', async () => {
    const signer = makeNoteSigner('example.com/log', await makeSeedSigner(seed(7)));
    await expect(signNote('no newline', [signer])).rejects.toThrow(TypeError);
    await expect(signNote('bell\u0007\n', [signer])).rejects.toThrow(TypeError);
    await expect(signNote(TEXT, [])).rejects.toThrow(TypeError);
  });

  it('round-trips any valid text through sign, parse, format and open', async () => {
    const signer = makeNoteSigner('example.com/log', await makeSeedSigner(seed(9)));
    const line = fc
      .string({ unit: 'grapheme', maxLength: 20 })
      .filter((s) => !/[\u0000-\u001f]/.test(s)); // eslint-disable-line no-control-regex
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 6 }), async (lines) => {
        const text = `${lines.join('\n')}\n`;
        const note = await signNote(text, [signer]);
        expect(parseNote(note).text).toBe(text);
        expect(formatNote(parseNote(note))).toBe(note);
        expect((await openNote(note, [signer.key])).text).toBe(text);
      }),
      { numRuns: 100 },
    );
  });
});

describe('tlog-cosignature (type 0x04)', () => {
  const BODY = 'example.com/log\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n';

  it('signs timestamp || Ed25519("cosignature/v1\\ntime <t>\\n" || body) and verifies it', async () => {
    const ed = await makeSeedSigner(seed(3));
    const cosigner = makeCosigner('witness.example/w1', ed, () => 1679315147);
    expect(cosigner.key.type).toBe(SIGNATURE_TYPE_COSIGNATURE);
    const note = await signNote(BODY, [cosigner]);
    const [sig] = parseNote(note).signatures;
    expect(sig?.keyId).toBe(computeKeyId('witness.example/w1', 0x04, ed.publicKey));
    expect(sig?.signature).toHaveLength(72);
    const signature = sig?.signature ?? new Uint8Array();
    expect(Buffer.from(signature).readBigUInt64BE(0)).toBe(1679315147n);
    // Check the signed message independently of the module, from the spec's wording.
    const message = new TextEncoder().encode(`cosignature/v1\ntime 1679315147\n${BODY}`);
    expect(await verify(ed.publicKey, message, signature.subarray(8))).toBe(true);

    const opened = await openNote(note, [cosigner.key]);
    expect(opened.verified).toEqual([{ key: cosigner.key, timestamp: 1679315147 }]);
  });

  it('does not accept a cosignature under the same key as a plain Ed25519 vkey', async () => {
    const ed = await makeSeedSigner(seed(3));
    const note = await signNote(BODY, [makeCosigner('w1', ed, () => 1)]);
    expect(await codeOf(() => openNote(note, [makeVerifierKey('w1', ed.publicKey)]))).toBe(
      'UNKNOWN_AUTHOR',
    );
  });

  it('rejects a cosignature whose timestamp or body was changed', async () => {
    const cosigner = makeCosigner('w1', await makeSeedSigner(seed(3)), () => 1000);
    const note = await signNote(BODY, [cosigner]);
    const sig = parseNote(note).signatures[0];
    const stamped = Buffer.from([
      ...Buffer.from(formatKeyId(sig?.keyId ?? 0), 'hex'),
      ...(sig?.signature ?? []),
    ]);
    stamped[11] = 1001 & 0xff; // timestamp 1000 -> 1001
    const changedTime = `${BODY}\n\u2014 w1 ${stamped.toString('base64')}\n`;
    expect(await codeOf(() => openNote(changedTime, [cosigner.key]))).toBe('INVALID_SIGNATURE');
    const changedBody = note.replace('\n5\n', '\n6\n');
    expect(await codeOf(() => openNote(changedBody, [cosigner.key]))).toBe('INVALID_SIGNATURE');
  });

  it('appends cosignatures to a signed note and keeps the existing lines', async () => {
    const log = makeNoteSigner('example.com/log', await makeSeedSigner(seed(1)));
    const w1 = makeCosigner('w1', await makeSeedSigner(seed(2)), () => 10);
    const w2 = makeCosigner('w2', await makeSeedSigner(seed(3)), () => 20);
    const note = await signNote(BODY, [log]);
    const cosigned = await addSignatures(await addSignatures(note, [w1]), [w2, w1]);
    expect(cosigned.startsWith(note)).toBe(true);
    expect(parseNote(cosigned).signatures.map((s) => s.keyName)).toEqual([
      'example.com/log',
      'w1',
      'w2',
    ]);
    const opened = await openNote(cosigned, [log.key, w1.key, w2.key]);
    expect(opened.verified.map((v) => [v.key.name, v.timestamp])).toEqual([
      ['example.com/log', undefined],
      ['w1', 10],
      ['w2', 20],
    ]);
  });

  it('refuses a clock that does not give whole seconds', async () => {
    const cosigner = makeCosigner('w1', await makeSeedSigner(seed(3)), () => 1.5);
    await expect(signNote(BODY, [cosigner])).rejects.toThrow(RangeError);
  });
});
