/**
 * Passkeys on the ledger: which WebAuthn credentials each identity has bound (`passkey`
 * entries in standing), and which entries carry a passkey assertion that verifies. Admission
 * checks only the shape of an assertion, since the binding it needs may arrive later; this is
 * a deterministic view over the admitted set, like standing, so peers holding the same entries
 * agree. An assertion counts when:
 *   - its credential is bound by a `passkey` entry of the same author, earlier in its chain;
 *   - it verifies (crypto/webauthn.ts) over the entry's `passkeyChallenge`, from the origin and
 *     RP ID recorded in that binding;
 *   - its signature counter is above every earlier verified one of that credential in the
 *     author's chain (unless both are 0, as synced passkeys report).
 */
import { verifyWebAuthnAssertion } from '../crypto/webauthn.ts';
import { fromBase64Url } from '../encoding/bytes.ts';
import { isPatchtrailError, type ErrorCode } from '../errors.ts';
import { passkeyChallenge, type Entry } from './entry.ts';
import type { PasskeyAssertion, PasskeyBody } from './kinds.ts';
import type { Ledger } from './ledger.ts';

export interface PasskeyBinding extends PasskeyBody {
  /** The `passkey` entry's id. */
  entry: string;
  author: string;
  seq: number;
  time: string;
}

export type PasskeyCheck =
  | { ok: true; credential: string; binding: string; counter: number }
  | { ok: false; code: ErrorCode; message: string };

/** Credentials bound by `author` (every author when absent), from entries in standing. */
export function passkeyBindings(ledger: Ledger, author?: string): PasskeyBinding[] {
  const registry = ledger.registry();
  const out: PasskeyBinding[] = [];
  for (const entry of ledger.ofKind('passkey')) {
    if (author !== undefined && entry.author !== author) continue;
    if (registry.standing(entry) !== undefined) continue;
    const body = entry.body as PasskeyBody;
    out.push({ ...body, entry: entry.id, author: entry.author, seq: entry.seq, time: entry.time });
  }
  return out;
}

export function assertionOf(entry: Entry): PasskeyAssertion | undefined {
  return (entry.body as { passkey?: PasskeyAssertion }).passkey;
}

/** Checks every passkey assertion in one author's chain, in sequence order. */
async function checkAuthor(ledger: Ledger, author: string, out: Map<string, PasskeyCheck>) {
  const bindings = passkeyBindings(ledger, author);
  const counters = new Map<string, number>();
  for (const entry of ledger.byAuthor(author)) {
    const assertion = assertionOf(entry);
    if (assertion === undefined) continue;
    const binding = bindings.find(
      (b) => b.credential === assertion.credential && b.seq < entry.seq,
    );
    if (binding === undefined) {
      const message = `passkey ${assertion.credential.slice(0, 16)}… is not bound to ${author} before this entry`;
      out.set(entry.id, { ok: false, code: 'UNKNOWN_AUTHOR', message });
      continue;
    }
    try {
      const { counter } = await verifyWebAuthnAssertion(assertion, {
        challenge: passkeyChallenge(entry),
        origin: binding.origin,
        rpId: binding.rpId,
        publicKey: fromBase64Url(binding.publicKey, 'passkey public key'),
        counter: counters.get(binding.credential) ?? 0,
      });
      counters.set(binding.credential, counter);
      out.set(entry.id, {
        ok: true,
        credential: binding.credential,
        binding: binding.entry,
        counter,
      });
    } catch (error) {
      if (!isPatchtrailError(error)) throw error;
      out.set(entry.id, { ok: false, code: error.code, message: error.message });
    }
  }
}

/**
 * The passkey checks of the given entries (those that carry an assertion; others are left
 * out). Each author's chain is checked from its start, for the counter rule.
 */
export async function checkPasskeys(
  ledger: Ledger,
  ids: Iterable<string>,
): Promise<Map<string, PasskeyCheck>> {
  const authors = new Set<string>();
  const wanted = new Set<string>();
  for (const id of ids) {
    const entry = ledger.get(id);
    if (entry === undefined || assertionOf(entry) === undefined) continue;
    authors.add(entry.author);
    wanted.add(id);
  }
  const all = new Map<string, PasskeyCheck>();
  for (const author of [...authors].sort()) await checkAuthor(ledger, author, all);
  return new Map([...all].filter(([id]) => wanted.has(id)));
}

/**
 * A passkey assertion made on the spot rather than carried in an entry (an admin confirming,
 * at a kiosk, that it may leave kiosk mode): it must come from a passkey bound by one of
 * `authors`, over `challenge`, from the binding's origin and RP ID. The caller makes the
 * challenge fresh (random), which is what stops a replay, so no earlier counter is required.
 */
export async function checkPresence(
  ledger: Ledger,
  authors: readonly string[],
  challenge: Uint8Array,
  assertion: PasskeyAssertion,
): Promise<PasskeyCheck & { author?: string }> {
  const binding = passkeyBindings(ledger).find(
    (b) => b.credential === assertion.credential && authors.includes(b.author),
  );
  if (binding === undefined) {
    const message = `passkey ${assertion.credential.slice(0, 16)}… is not bound to any of ${authors.length} allowed identities`;
    return { ok: false, code: 'UNKNOWN_AUTHOR', message };
  }
  try {
    const { counter } = await verifyWebAuthnAssertion(assertion, {
      challenge,
      origin: binding.origin,
      rpId: binding.rpId,
      publicKey: fromBase64Url(binding.publicKey, 'passkey public key'),
      counter: 0,
    });
    const { credential, author } = binding;
    return { ok: true, credential, binding: binding.entry, counter, author };
  } catch (error) {
    if (!isPatchtrailError(error)) throw error;
    return { ok: false, code: error.code, message: error.message };
  }
}

/** Ids among `ids` whose passkey assertion verifies: what policy counts as passkey-backed. */
export async function passkeyBacked(ledger: Ledger, ids: Iterable<string>): Promise<Set<string>> {
  const checks = await checkPasskeys(ledger, ids);
  return new Set([...checks].filter(([, c]) => c.ok).map(([id]) => id));
}
