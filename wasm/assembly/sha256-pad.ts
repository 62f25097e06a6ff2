// The end of a SHA-256 message, shared by the kernels: the padding of FIPS 180-4 §5.1.1 and
// the digest in big-endian order.

import { blocks } from '../build/sha256-blocks';

/**
 * Pads the block at `block`, which holds the message's last `fill` (< 64) bytes, with 0x80,
 * zeros and the message's length in bits; folds it into the hash words at `state` (one more
 * block when the length does not fit); writes the 32-byte digest at `out`. `out` may overlap
 * the message: it is written last.
 */
export function finish(state: usize, block: usize, fill: usize, bits: u64, out: usize): void {
  store<u8>(block + fill, 0x80);
  fill++;
  if (fill > 56) {
    memory.fill(block + fill, 0, 64 - fill);
    blocks(state, block, 1);
    fill = 0;
  }
  memory.fill(block + fill, 0, 56 - fill);
  store<u64>(block + 56, bswap<u64>(bits));
  blocks(state, block, 1);
  for (let i: usize = 0; i < 8; i++)
    store<u32>(out + (i << 2), bswap<u32>(load<u32>(state + (i << 2))));
}
