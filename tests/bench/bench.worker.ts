/**
 * The pool bench's reference worker (tests/bench/pool.bench.ts): bare WebCrypto Ed25519
 * verification of prepared (key, message, signature) triples, every one of a share in flight
 * at once, keys imported once per author; and Merkle node hashing rates in a worker, through
 * the WebAssembly kernel and through hash-wasm one call per node.
 */
import { prepareSha256Sync } from '../../src/core/crypto/hash.ts';
import { makeJsMerkleHasher, makeMerkleHasher } from '../../src/core/crypto/merkle-kernel.ts';

export interface RawVerifyShare {
  kind: 'raw-verify';
  /** 32-byte public keys, back to back, one per entry. */
  keys: Uint8Array;
  messages: Uint8Array;
  ends: Uint32Array;
  /** 64-byte signatures, back to back. */
  sigs: Uint8Array;
}

export interface MerkleRatesRequest {
  kind: 'merkle-rates';
  /** Hashes in the level (an even number). */
  level: number;
  /** Measure each engine for at least this long. */
  minMs: number;
}

export interface MerkleRates {
  kernelPerSec: number;
  hashWasmPerSec: number;
  kernel: string;
}

const scope = self as unknown as {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
};

async function rawVerify(share: RawVerifyShare): Promise<number> {
  const keys = new Map<string, Promise<CryptoKey>>();
  const checks: Promise<boolean>[] = [];
  let start = 0;
  for (let i = 0; i < share.ends.length; i++) {
    const raw = share.keys.subarray(32 * i, 32 * i + 32);
    const name = String.fromCharCode(...raw);
    let key = keys.get(name);
    if (key === undefined) {
      key = crypto.subtle.importKey('raw', raw.slice(), { name: 'Ed25519' }, false, ['verify']);
      keys.set(name, key);
    }
    const end = share.ends[i] as number;
    const message = share.messages.subarray(start, end);
    const sig = share.sigs.subarray(64 * i, 64 * i + 64);
    start = end;
    const check = (k: CryptoKey) =>
      crypto.subtle.verify({ name: 'Ed25519' }, k, sig as BufferSource, message as BufferSource);
    checks.push(key.then(check));
  }
  const results = await Promise.all(checks);
  return results.filter(Boolean).length;
}

/**
 * Node hashes per second of each engine, their rounds interleaved (one of each in turn) so a
 * change in the machine's load weighs on both alike.
 */
function rates(engines: (() => void)[], nodes: number, minMs: number): number[] {
  const spent = engines.map(() => 0);
  let rounds = 0;
  for (const started = performance.now(); performance.now() - started < 2 * minMs; rounds++)
    engines.forEach((work, i) => {
      const t0 = performance.now();
      work();
      spent[i] = (spent[i] as number) + performance.now() - t0;
    });
  return spent.map((ms) => (rounds * nodes * 1000) / ms);
}

async function merkleRates(request: MerkleRatesRequest): Promise<MerkleRates> {
  await prepareSha256Sync();
  const kernel = await makeMerkleHasher();
  const js = makeJsMerkleHasher();
  const level = new Uint8Array(32 * request.level);
  for (let i = 0; i < level.length; i++) level[i] = (i * 131) & 0xff;
  const nodes = request.level / 2;
  kernel.hashLevel(level); // warm
  js.hashLevel(level);
  const [kernelPerSec, hashWasmPerSec] = rates(
    [() => kernel.hashLevel(level), () => js.hashLevel(level)],
    nodes,
    request.minMs,
  );
  return {
    kernelPerSec: kernelPerSec as number,
    hashWasmPerSec: hashWasmPerSec as number,
    kernel: kernel.engine,
  };
}

scope.onmessage = (event) => {
  const request = event.data as RawVerifyShare | MerkleRatesRequest;
  const job = request.kind === 'raw-verify' ? rawVerify(request) : merkleRates(request);
  void job.then((answer) => scope.postMessage(answer));
};
