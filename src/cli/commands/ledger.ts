/**
 * `patchtrail ledger ...`: the attestation ledger over a ledger file. Every entry read, from
 * the file itself or from an import, goes through the validator; new entries are signed by
 * --key and appended.
 */
import type { Command } from '../context.ts';
import { exportCommand, importCommand, log } from './ledger-files.ts';
import { endorse, init, register, revoke, rotate } from './ledger-identity.ts';
import { invite } from './ledger-invite.ts';
import { PACK_COMMANDS } from './ledger-packs.ts';
import { posture } from './ledger-posture.ts';
import { PROOF_COMMANDS } from './ledger-proofs.ts';
import { LEDGER_QUERY_COMMANDS } from './ledger-queries.ts';
import { attest, flag } from './ledger-records.ts';
import { verifyCommand } from './ledger-verify.ts';

export const LEDGER_COMMANDS: readonly Command[] = [
  init,
  register,
  endorse,
  revoke,
  rotate,
  attest,
  flag,
  posture,
  log,
  verifyCommand,
  importCommand,
  exportCommand,
  invite,
  ...LEDGER_QUERY_COMMANDS,
  ...PROOF_COMMANDS,
  ...PACK_COMMANDS,
];
