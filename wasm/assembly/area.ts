// The caller's area shared by the kernels: linear memory after a module's static data, which
// the JS side fills with input and reads results from.

const PAGE: usize = 65536;

/** Where the caller's area starts: after the static data, 16-byte aligned. */
export function scratch(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/**
 * Makes the caller's area at least `bytes` long (growing memory when needed) and returns its
 * start, or 0 when memory cannot grow that far.
 */
export function reserve(bytes: usize): usize {
  const base = scratch();
  const end = base + bytes;
  const have = <usize>memory.size() * PAGE;
  if (end > have) {
    const pages = <i32>((end - have + PAGE - 1) / PAGE);
    if (memory.grow(pages) < 0) return 0;
  }
  return base;
}
