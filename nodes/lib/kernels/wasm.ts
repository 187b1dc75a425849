/**
 * The pixel kernels compiled to WebAssembly (sources in ./assembly, AssemblyScript; ./build.mjs compiles them into
 * kernels.wasm, which is committed). The typed-array JavaScript they replace spent most of a render's time in
 * TurboFan's code for its loops and in compiling them again in each of the pool's threads; the same arithmetic in
 * WebAssembly (float64 where the JavaScript computed in doubles, SIMD where lanes give the same bits) gives the same
 * bytes in a fraction of the time (a 518x292 box mean: 1.5 → 0.4 ms, copies in and out included).
 *
 * One instance per thread, on demand, with its own linear memory: a kernel call copies its inputs in, runs, and
 * copies its outputs out. Calls are synchronous and a thread runs one at a time, so every call lays its arrays out
 * from the start of the heap again; the memory grows to the largest call a thread has made and stays there.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AneloError } from '../../core/errors.ts';

/** The module's exports (pointers are byte offsets into `memory`). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  heapBase: WebAssembly.Global;
  boxMean(src: number, w: number, h: number, r: number, out: number, horiz: number, acc: number, inv: number): void;
  guidedCoefficients(I: number, p: number, w: number, h: number, r: number, eps: number, a: number, b: number, t0: number, t1: number, horiz: number, acc: number, inv: number): void;
  applyUpsampled(a: number, b: number, lw: number, I: number, w: number, h: number, lo: number, hi: number, q: number, x0: number, x1: number, fx: number, y0: number, y1: number, fy: number): void;
  applySameSize(a: number, b: number, I: number, n: number, lo: number, hi: number, q: number): void;
  dilate3x3(src: number, w: number, h: number, rows: number, out: number): void;
  encodeFloat16(src: number, n: number, out: number): void;
  roundToFloat16(values: number, n: number): void;
  areaResizeRgb(
    src: number,
    sw: number,
    sh: number,
    dw: number,
    dh: number,
    xFirst: number,
    xCount: number,
    xWeights: number,
    xTaps: number,
    yFirst: number,
    yCount: number,
    yWeights: number,
    yTaps: number,
    mid: number,
    out: number,
  ): void;
  lumaFromRgb(rgb: number, n: number, out: number): void;
  warpBilinear(src: number, w: number, h: number, u: number, v: number, out: number): void;
  denseFlow(ref: number, target: number, w: number, h: number, iterations: number, radius: number, finestLevel: number, u: number, v: number): void;
  consistentFlow(fu: number, fv: number, gu: number, gv: number, w: number, h: number, out: number, slack: number): void;
  measureMotion(prev: number, cur: number, w: number, h: number, iterations: number, radius: number, finestLevel: number, slack: number, out: number): void;
  pooledChange(prev: number, cur: number, dw: number, dh: number, w: number, h: number, out: number): void;
  refineFrame(depth: number, dw: number, dh: number, rgb: number, w: number, h: number, lut: number, lw: number, lh: number, r: number, eps: number, dilate: number, finish: number, out: number, stats: number): number;
  resizeBilinear(src: number, sw: number, sh: number, dw: number, dh: number, out: number): void;
  valueRange(values: number, n: number, out: number): void;
  depthStats(values: number, n: number, out: number): number;
  frameSignature(rgb: number, width: number, height: number, step: number, lut: number, out: number): void;
  trajectoryStep(
    state: number,
    u: number,
    v: number,
    rows: number,
    columns: number,
    sx: number,
    sy: number,
    nm: number,
    mismatch: number,
    still: number,
    moving: number,
    zd: number,
    zScale: number,
    zShift: number,
    w: number,
    h: number,
    depthLut: number,
    depthScale: number,
    colourLut: number,
    colourScale: number,
    memoryShare: number,
    motionLut: number,
    out: number,
    predValue: number,
    predTrust: number,
  ): void;
  /** Where kernels that work out their own intermediate arrays (the flow's pyramid) take them from. */
  setScratch(base: number): void;
  warp(rgb: number, w: number, h: number, values: number, scale: number, offset: number, foreground: number, borderBand: number, eyes: number, out1: number, out2: number, rows1: number, rows2: number): void;
}

let compiled: WebAssembly.Module | undefined;
let instance: KernelExports | undefined;

const WASM_URL = new URL('./kernels.wasm', import.meta.url);

/** This thread's kernels (compiled and instantiated on first use). */
export function kernels(): KernelExports {
  if (instance) return instance;
  try {
    compiled ??= new WebAssembly.Module(readFileSync(WASM_URL));
    instance = new WebAssembly.Instance(compiled, { env: { abort: kernelAbort } }).exports as unknown as KernelExports;
  } catch (e) {
    const file = fileURLToPath(WASM_URL);
    throw new AneloError('ANELO_E099_INTERNAL', `The pixel kernels (${file}) could not be loaded: ${(e as Error).message}. Reinstall anelo, or run \`npm run build:kernels\` in its folder.`, { file }, undefined, e);
  }
  return instance;
}

/** Called by a kernel whose scratch memory could not grow (asserts are compiled out; nothing else aborts). */
function kernelAbort(): never {
  throw outOfMemory();
}

const outOfMemory = (bytes?: number): AneloError =>
  new AneloError(
    'ANELO_E099_INTERNAL',
    `A pixel kernel could not get the memory it needs${bytes === undefined ? '' : ` (${Math.ceil(bytes / 2 ** 20)} MiB)`}: WebAssembly memory ends at 4 GiB, and frames this large pass it.`,
  );

/**
 * Byte offsets for arrays of the given byte sizes, laid out from the heap's start, each 16-byte aligned (SIMD loads),
 * with the memory grown to hold them; kernels take any scratch of their own past them. Views made before a call
 * that grows the memory (this, or a kernel's scratch) are detached: take views after.
 */
export function layout(...sizes: number[]): number[] {
  const k = kernels();
  let at = align(Number(k.heapBase.value));
  const offsets = sizes.map((bytes) => {
    const o = at;
    at = align(at + bytes);
    return o;
  });
  const have = k.memory.buffer.byteLength;
  if (at > have) {
    try {
      k.memory.grow(Math.ceil((at - have) / 65536));
    } catch {
      throw outOfMemory(at);
    }
  }
  k.setScratch(at);
  return offsets;
}

/** Rounded up to 16 bytes (arithmetic, not bit operations: sizes may pass 2 GiB). */
const align = (n: number): number => Math.ceil(n / 16) * 16;

/** Views of kernel memory (valid until the next `layout` that grows it). */
export const f32 = (ptr: number, n: number): Float32Array => new Float32Array(kernels().memory.buffer, ptr, n);
export const f64 = (ptr: number, n: number): Float64Array => new Float64Array(kernels().memory.buffer, ptr, n);
export const u8 = (ptr: number, n: number): Uint8Array => new Uint8Array(kernels().memory.buffer, ptr, n);
export const u16 = (ptr: number, n: number): Uint16Array => new Uint16Array(kernels().memory.buffer, ptr, n);
export const i32 = (ptr: number, n: number): Int32Array => new Int32Array(kernels().memory.buffer, ptr, n);
