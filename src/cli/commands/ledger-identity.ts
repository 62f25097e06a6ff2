/** `ledger init|register|endorse|revoke|rotate`: founding the ledger and its identities. */
import {
  Ledger,
  rotationMessage,
  toBase64,
  utcTimestamp,
  type Entry,
  type EntryKind,
} from '../../core/index.ts';
import type { Command } from '../context.ts';
import { UsageError } from '../errors.ts';
import { appendEntries, createLedgerFile } from '../ledger-file.ts';
import { signerFrom } from './create.ts';

import {
  did,
  ledgerOption,
  ledgerPath,
  out,
  wholeNumber,
  withLedger,
  type Values,
} from './ledger-common.ts';

export const init: Command = {
  name: 'ledger init',
  summary:
    "found a ledger: a genesis entry naming the ledger, its admins and their threshold (and the founder's own name)",
  usage:
    'patchtrail ledger init --key ADMIN.pem [--admins DID,...] [--threshold K] [--name LEDGER-NAME] [--admin-name NAME] --ledger FILE [--json]',
  options: {
    ...ledgerOption,
    key: { type: 'string' },
    admins: { type: 'string' },
    threshold: { type: 'string' },
    name: { type: 'string' },
    'admin-name': { type: 'string' },
  },
  positionals: 0,
  async run(values, _p, context) {
    const path = ledgerPath(values);
    const signer = await signerFrom(values.key);
    const listed =
      typeof values.admins === 'string' && values.admins !== ''
        ? values.admins.split(',').map((d) => did(d.trim(), '--admins'))
        : [];
    const admins = [...new Set([signer.did, ...listed])];
    const threshold = wholeNumber(values.threshold, '--threshold', 1);
    if (threshold < 1 || threshold > admins.length)
      throw new UsageError(`--threshold must be 1..${admins.length} (the number of admins)`);
    const name = typeof values.name === 'string' ? values.name : 'patchtrail ledger';
    const time = utcTimestamp(context.now());
    const ledger = await Ledger.found(signer, { name, admins, threshold }, time);
    // The genesis names the ledger; the founder names itself as anyone does, by registering.
    const adminName = values['admin-name'];
    const named =
      typeof adminName === 'string'
        ? [await ledger.append(signer, 'register', { name: adminName }, time)]
        : [];
    await createLedgerFile(path, ledger.genesis);
    await appendEntries(path, named);
    out(context, values, { ok: true, ledger: ledger.id, admins, threshold }, `${ledger.id}\n`);
    return 0;
  },
};

function simpleAppend<K extends EntryKind>(
  name: string,
  summary: string,
  usage: string,
  options: Command['options'],
  positionals: number,
  build: (
    values: Values,
    positionals: string[],
    ledger: Ledger,
  ) => { kind: K; body: Entry<K>['body'] },
): Command {
  return {
    name,
    summary,
    usage,
    options: { ...ledgerOption, key: { type: 'string' }, ...options },
    positionals,
    async run(values, positionals, context) {
      const signer = await signerFrom(values.key);
      const [entry] = await withLedger(
        values,
        async (ledger, time) => {
          const { kind, body } = build(values, positionals, ledger);
          return [await ledger.append(signer, kind, body, time)];
        },
        context,
        { authors: [signer.did] },
      );
      const made = entry as Entry;
      out(
        context,
        values,
        { ok: true, id: made.id, kind: made.kind, seq: made.seq, author: made.author },
        `${made.id}\n`,
      );
      return 0;
    },
  };
}

export const register = simpleAppend(
  'ledger register',
  "register the key's identity (its first entry on the ledger), or rename a registered one",
  'patchtrail ledger register --key KEY.pem [--name NAME] --ledger FILE [--json]',
  { name: { type: 'string' } },
  0,
  (values) => ({
    kind: 'register',
    body: { name: typeof values.name === 'string' ? values.name : '' },
  }),
);

export const endorse = simpleAppend(
  'ledger endorse',
  'as an admin, give an identity a role and a stake (default 1; --stake 0 withdraws the role)',
  'patchtrail ledger endorse DID --role ROLE [--stake N] --key ADMIN.pem --ledger FILE [--json]',
  { role: { type: 'string' }, stake: { type: 'string' } },
  1,
  (values, [subject = '']) => {
    if (typeof values.role !== 'string' || !/^[a-z][a-z0-9-]{0,63}$/.test(values.role))
      throw new UsageError('--role ROLE is required: lower-case letters, digits and "-"');
    return {
      kind: 'endorse',
      body: {
        subject: did(subject, 'DID'),
        role: values.role,
        stake: wholeNumber(values.stake, '--stake', 1),
      },
    };
  },
);

export const revoke = simpleAppend(
  'ledger revoke',
  "as an admin, put an identity's entries out of standing from a sequence number on",
  'patchtrail ledger revoke DID [--from SEQ] [--reason TEXT] --key ADMIN.pem --ledger FILE [--json]',
  { from: { type: 'string' }, reason: { type: 'string' } },
  1,
  (values, [subject = ''], ledger) => {
    const next = (ledger.head(did(subject, 'DID'))?.seq ?? -1) + 1;
    return {
      kind: 'revoke',
      body: {
        subject,
        from: wholeNumber(values.from, '--from', next),
        reason: typeof values.reason === 'string' ? values.reason : '',
      },
    };
  },
);

export const rotate: Command = {
  name: 'ledger rotate',
  summary: 'replace a key: the old key signs the rotation, the new key accepts it and registers',
  usage:
    'patchtrail ledger rotate --key OLD.pem --new-key NEW.pem [--name NAME] --ledger FILE [--json]',
  options: {
    ...ledgerOption,
    key: { type: 'string' },
    'new-key': { type: 'string' },
    name: { type: 'string' },
  },
  positionals: 0,
  async run(values, _p, context) {
    const old = await signerFrom(values.key);
    const fresh = await signerFrom(values['new-key']);
    if (old.did === fresh.did) throw new UsageError('--new-key is the same key as --key');
    const made = await withLedger(
      values,
      async (ledger, time) => {
        const proof = toBase64(await fresh.sign(rotationMessage(ledger.id, old.did, fresh.did)));
        const rotated = await ledger.append(old, 'rotate', { to: fresh.did, proof }, time);
        const name =
          typeof values.name === 'string'
            ? values.name
            : (ledger.registry().identities.get(old.did)?.name ?? '');
        const registered = await ledger.append(
          fresh,
          'register',
          { name, rotatedFrom: old.did },
          time,
        );
        return [rotated, registered];
      },
      context,
      { authors: [old.did, fresh.did] },
    );
    out(
      context,
      values,
      { ok: true, from: old.did, to: fresh.did, entries: made.map((e) => e.id) },
      `${old.did} -> ${fresh.did}\n`,
    );
    return 0;
  },
};
