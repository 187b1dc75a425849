// Scratch arrays for kernels that need intermediate images of sizes they work out themselves (the flow's pyramid):
// bumped from `top`, which the JavaScript side sets past the arrays it laid out before each call. The memory grows
// as needed; the JavaScript side takes its views of the outputs after the call.

let top: usize = 0;

/** Scratch starts at `base` for the next call. */
export function setScratch(base: usize): void {
  top = base;
}

/** `bytes` of scratch, 16-byte aligned, not cleared. */
export function alloc(bytes: i32): usize {
  const p = (top + 15) & ~(<usize>15);
  top = p + <usize>bytes;
  const have = (<usize>memory.size()) << 16;
  if (top > have) {
    // Past WebAssembly's 4 GiB: the JavaScript side's abort handler throws a coded error.
    if (memory.grow(<i32>((top - have + 0xffff) >>> 16)) < 0) abort();
  }
  return p;
}

/** Where scratch has reached (to give back what one step used: scratch is a stack). */
export function mark(): usize {
  return top;
}

export function release(to: usize): void {
  top = to;
}
