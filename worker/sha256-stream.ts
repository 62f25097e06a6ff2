/**
 * Streaming SHA-256 of files through this repository's WebAssembly kernel
 * (wasm/assembly/sha256-stream.ts, its rounds written out by wasm/sha256-blocks.mjs, built from
 * source by wasm/build.mjs): 1.1–1.2 × hash-wasm's SHA-256 on the same bytes (figures in
 * wasm/README.md). Each hasher has its own instance, so files hashed at once in one worker
 * never share state; its memory holds the module's static data and one input area of at most
 * PIECE_BYTES, whatever the size of the file. Where WebAssembly cannot compile the kernel, the
 * hasher is hash-wasm's, as before.
 */
import { SHA256_STREAM_WASM_BASE64 } from '../wasm/build/sha256-stream.js';
import { createStreamingSha256, type StreamingHash } from '../src/core/crypto/hash.ts';
import { bufferSource, fromBase64, toHex } from '../src/core/encoding/bytes.ts';

/** Input is copied into the kernel's memory and hashed this many bytes at a time at most. */
export const PIECE_BYTES = 1024 * 1024;
const DIGEST_BYTES = 32;

interface StreamKernel {
  memory: WebAssembly.Memory;
  init(): void;
  update(p: number, length: number): void;
  final(out: number): void;
  reserve(bytes: number): number;
}

let compiling: Promise<WebAssembly.Module | undefined> | undefined;

function kernelModule(): Promise<WebAssembly.Module | undefined> {
  compiling ??= WebAssembly.compile(
    bufferSource(fromBase64(SHA256_STREAM_WASM_BASE64, 'sha256 stream kernel')),
  ).catch(() => undefined);
  return compiling;
}

class KernelSha256 implements StreamingHash {
  private reserved = 0;
  private finished = false;

  constructor(private readonly kernel: StreamKernel) {
    kernel.init();
  }

  /** The kernel's input area, at least `bytes` long (grown on demand, up to PIECE_BYTES). */
  private area(bytes: number): number {
    const base = this.kernel.reserve(Math.max(bytes, this.reserved));
    if (base === 0) throw new RangeError('sha256 stream kernel: no memory for its input');
    this.reserved = Math.max(bytes, this.reserved);
    return base;
  }

  update(chunk: Uint8Array): void {
    if (this.finished) throw new Error('sha256 stream: update after digest');
    const base = this.area(Math.min(chunk.length, PIECE_BYTES));
    const memory = new Uint8Array(this.kernel.memory.buffer);
    for (let at = 0; at < chunk.length; at += PIECE_BYTES) {
      const piece = chunk.subarray(at, at + PIECE_BYTES);
      memory.set(piece, base);
      this.kernel.update(base, piece.length);
    }
  }

  digestHex(): string {
    if (this.finished) throw new Error('sha256 stream: digest taken twice');
    this.finished = true;
    const out = this.area(DIGEST_BYTES);
    this.kernel.final(out);
    return toHex(new Uint8Array(this.kernel.memory.buffer, out, DIGEST_BYTES));
  }
}

/** A streaming SHA-256 for file contents: the kernel, or hash-wasm where it cannot run. */
export async function createFileSha256(): Promise<StreamingHash> {
  const module = await kernelModule();
  if (module === undefined) return createStreamingSha256();
  const instance = await WebAssembly.instantiate(module, {});
  return new KernelSha256(instance.exports as unknown as StreamKernel);
}

/** Which hasher `createFileSha256` gives here: the kernel, or hash-wasm where it cannot run. */
export async function fileSha256Engine(): Promise<'kernel' | 'hash-wasm'> {
  return (await kernelModule()) === undefined ? 'hash-wasm' : 'kernel';
}
