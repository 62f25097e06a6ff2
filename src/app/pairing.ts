/**
 * Pairing without any server, for the app: the offer and answer travel as codes (text or QR,
 * pairing-code.ts); the link that results syncs a fresh doc bound to the ledger's validator
 * (bindLedgerDoc), like every other transport. `state()` is a Solid signal for the Peers screen.
 */
import { createSignal, type Accessor } from 'solid-js';
import * as Y from 'yjs';
import type { Ledger } from '../core/ledger/ledger.ts';
import { yieldingLedger } from '../sync/yielding.ts';
import { bindLedgerDoc } from '../sync/ledger-doc.ts';
import { bindingAdmission } from './worker-admission.ts';
import type { WorkerPool } from './worker-pool.ts';
import {
  answerPairingOffer,
  createPairingOffer,
  newCounters,
  type PairedLink,
  type PairingCounters,
} from '../sync/pairing.ts';
import { decodePairingCode, encodePairingCode, qrSvgs, splitForQr } from './pairing-code.ts';

export interface PairingState {
  status: 'connecting' | 'connected' | 'closed';
  /** When the paired device last sent anything (ms since epoch). */
  lastHeard?: number;
  /** Why the link closed before it opened, in words. */
  reason?: string;
}

export interface PairingSession {
  readonly state: Accessor<PairingState>;
  /** What the link's sync did so far (frames, messages, errors), for support. */
  readonly counters: Readonly<PairingCounters>;
  /** Resolves once everything the peer sent so far went through the validator. */
  settled(): Promise<void>;
  close(): void;
}

export interface PairingCode {
  /** The code to copy. */
  code: string;
  /** The code as QR-sized texts (one, or tagged parts when it does not fit one code). */
  parts: string[];
  /** The same as QR codes (SVG markup; several when it does not fit one). */
  qr: string[];
}

interface PairingOptions {
  iceServers: readonly RTCIceServer[];
  now?: () => number;
  /** Large changes (the first sync) are read and checked in this pool's workers. */
  pool?: WorkerPool;
}

function session(ledger: Ledger, link: PairedLink, options: PairingOptions): PairingSession {
  const now = options.now ?? Date.now;
  const doc = new Y.Doc();
  const binding = bindLedgerDoc(
    doc,
    yieldingLedger(ledger),
    bindingAdmission(ledger, options.pool),
  );
  const [state, setState] = createSignal<PairingState>({ status: 'connecting' });
  void link.open.then(
    () => setState((s) => (s.status === 'closed' ? s : { ...s, status: 'connected' })),
    (error: unknown) =>
      setState({
        status: 'closed',
        reason: (error instanceof Error ? error.message : String(error)).replace(/^pairing: /, ''),
      }),
  );
  const counters = newCounters();
  const stop = link.sync(
    doc,
    {
      heard: () => setState({ status: 'connected', lastHeard: now() }),
      closed: () => setState((s) => ({ ...s, status: 'closed' })),
    },
    counters,
  );
  return {
    state,
    counters,
    settled: () => binding.settled(),
    close() {
      stop();
      link.close();
      binding.destroy();
      doc.destroy();
      setState((s) => ({ ...s, status: 'closed' }));
    },
  };
}

/** The first device: a code to show, and `complete` with the answer code it gets back. */
export async function offerPairing(
  ledger: Ledger,
  options: PairingOptions,
): Promise<
  PairingCode & { complete(answerCode: string): Promise<PairingSession>; cancel(): void }
> {
  const offer = await createPairingOffer({ iceServers: options.iceServers });
  const code = await encodePairingCode('offer', offer.offer);
  return {
    code,
    parts: splitForQr(code),
    qr: qrSvgs(code),
    async complete(answerCode) {
      const answer = await decodePairingCode('answer', answerCode);
      return session(ledger, await offer.accept(answer), options);
    },
    cancel: () => offer.cancel(),
  };
}

/** The second device: reads the offer code and gives the answer code to show back. */
export async function answerPairing(
  ledger: Ledger,
  offerCode: string,
  options: PairingOptions,
): Promise<PairingCode & { session: PairingSession }> {
  const offer = await decodePairingCode('offer', offerCode);
  const { answer, link } = await answerPairingOffer(offer, { iceServers: options.iceServers });
  const code = await encodePairingCode('answer', answer);
  const parts = splitForQr(code);
  return { code, parts, qr: qrSvgs(code), session: session(ledger, link, options) };
}
