/**
 * Pairing without a server, for the Peers screen: one device shows an offer (code and QR
 * codes), the other reads it (paste or camera) and shows an answer back, and the first reads
 * that; then the two sync the open ledger over a data channel, through the validator like any
 * peer (pairing.ts). A code's kind is read from its prefix, so one "paste or scan" box serves
 * both steps. The WebRTC code loads only when a pairing starts. Open links are counted in the
 * top bar's sync state.
 */
import { createEffect, createSignal, on, type Accessor } from 'solid-js';
import type { ErrorCode } from '../core/errors.ts';
import { isPatchtrailError } from '../core/errors.ts';
import type { Ledger } from '../core/ledger/ledger.ts';
import type { offerPairing, PairingSession } from './pairing.ts';
import type { PeerConfigService } from './peer-config.ts';
import type { SyncService } from './sync.ts';
import type { WorkerPool } from './worker-pool.ts';

export type PairingStep =
  | { kind: 'idle' }
  | { kind: 'preparing'; role: 'offer' | 'answer' }
  /** This device's offer, to show; the answer is awaited. */
  | { kind: 'offering'; code: string; parts: string[] }
  /** This device's answer to an offer, to show back; `link` opens once it is read. */
  | { kind: 'answering'; code: string; parts: string[]; link: number }
  /** The answer was read here: `link` is opening. */
  | { kind: 'linking'; link: number }
  /** The link of the last pairing is open (it is listed among the links). */
  | { kind: 'paired' }
  | { kind: 'failed'; code: ErrorCode | 'FAILED'; message: string };

export interface PairedLink {
  id: number;
  status: 'connecting' | 'connected' | 'closed';
  /** When the paired device last sent anything (ms since the epoch). */
  lastHeard?: number;
  /** Why it closed before it opened, in words. */
  reason?: string;
}

export interface PairingService {
  readonly step: Accessor<PairingStep>;
  readonly links: Accessor<PairedLink[]>;
  /** Makes an offer for the other device to read. */
  offer(): Promise<void>;
  /** Reads the other device's code: an offer (answer it) or the answer to our offer. */
  accept(text: string): Promise<void>;
  /** Drops the offer or answer under way. */
  cancel(): void;
  close(id: number): void;
}

type Offer = Awaited<ReturnType<typeof offerPairing>>;

const load = () => import('./pairing.ts');

function failure(error: unknown): PairingStep {
  if (isPatchtrailError(error)) return { kind: 'failed', code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'failed', code: 'FAILED', message };
}

/** `ledger()` is the open team's ledger (undefined: nothing to pair). */
export function createPairings(
  ledger: Accessor<Ledger | undefined>,
  config: Pick<PeerConfigService, 'settings'>,
  sync: Pick<SyncService, 'paired'>,
  pool?: WorkerPool,
): PairingService {
  const [step, setStep] = createSignal<PairingStep>({ kind: 'idle' });
  const [sessions, setSessions] = createSignal<{ id: number; session: PairingSession }[]>([]);
  let offered: Offer | undefined;
  let next = 1;

  const links = () => sessions().map(({ id, session }) => ({ id, ...session.state() }));
  /** Keeps a session among the links; its id. */
  const adopt = (session: PairingSession): number => {
    const id = next++;
    setSessions((list) => [...list, { id, session }]);
    return id;
  };
  const cancel = () => {
    offered?.cancel();
    offered = undefined;
    setStep({ kind: 'idle' });
  };
  const closeAll = () => {
    cancel();
    for (const { session } of sessions()) session.close();
    setSessions([]);
  };
  const options = () => ({
    iceServers: config.settings().iceServers,
    ...(pool === undefined ? {} : { pool }),
  });
  const opened = () => {
    const held = ledger();
    if (held === undefined) throw new Error('open a team first: pairing carries its ledger');
    return held;
  };

  createEffect(on(ledger, closeAll, { defer: true }));
  createEffect(() => {
    const live = links().filter((l) => l.status === 'connected');
    const heard = live.map((l) => l.lastHeard ?? 0).filter((t) => t > 0);
    sync.paired({
      connected: live.length,
      ...(heard.length > 0 ? { lastHeard: Math.max(...heard) } : {}),
    });
  });

  // The answer shown, or the answer read: once that link opens, the pairing is done and its
  // code is no longer shown (a technician would wonder whether to scan it again).
  createEffect(() => {
    const now = step();
    if (now.kind !== 'answering' && now.kind !== 'linking') return;
    const link = links().find((l) => l.id === now.link);
    if (link?.status === 'connected') setStep({ kind: 'paired' });
    else if (link?.status === 'closed')
      setStep({
        kind: 'failed',
        code: 'FAILED',
        message: link.reason ?? 'the link closed before it opened',
      });
  });

  async function answer(code: string): Promise<void> {
    offered?.cancel(); // the other device offered first: ours is not needed
    offered = undefined;
    setStep({ kind: 'preparing', role: 'answer' });
    const { answerPairing } = await load();
    const answered = await answerPairing(opened(), code, options());
    const link = adopt(answered.session);
    setStep({ kind: 'answering', code: answered.code, parts: answered.parts, link });
  }

  async function complete(code: string): Promise<void> {
    if (offered === undefined)
      throw new Error('that code is an answer; show an offer on this device first');
    const session = await offered.complete(code);
    offered = undefined;
    setStep({ kind: 'linking', link: adopt(session) });
  }

  return {
    step,
    links,
    async offer() {
      cancel();
      setStep({ kind: 'preparing', role: 'offer' });
      try {
        const { offerPairing } = await load();
        offered = await offerPairing(opened(), options());
        setStep({ kind: 'offering', code: offered.code, parts: offered.parts });
      } catch (error) {
        setStep(failure(error));
      }
    },
    async accept(text) {
      const code = text.replace(/\s+/g, '');
      try {
        // This device's own offer, pasted back: answering it would pair the device with itself
        // and drop the offer the other device is to read.
        if (offered !== undefined && code === offered.code.replace(/\s+/g, ''))
          throw new Error(
            'that is this device’s own offer: read the code the other device shows instead',
          );
        if (code.startsWith('PT1:a:')) await complete(code);
        else await answer(code);
      } catch (error) {
        setStep(failure(error));
      }
    },
    cancel,
    close(id) {
      sessions()
        .find((s) => s.id === id)
        ?.session.close();
    },
  };
}
