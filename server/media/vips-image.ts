/**
 * Image work done by libvips (through sharp, its one importer), off the JavaScript thread and vectorised:
 * - resizing: the shrink every frame pays on its way to the depth model costs 20–25 ms at 720p in typed-array
 *   JavaScript (a 13-tap antialiased triangle per output sample at 5.7x) and about 2 ms here. Shrinking averages
 *   every source pixel: libvips box-shrinks by part of the factor, then reduces the rest with the triangle kernel,
 *   as PIL's BILINEAR (the reference preprocessors' resize) does;
 * - PNG encoding of previews: a 2560x720 side-by-side frame took 46 ms with pngjs (sub filter, RLE) and takes 7–12 ms.
 */
import { createRequire } from 'node:module';
import type { Sharp, SharpOptions } from 'sharp';

/**
 * Loaded on first use, and used from the main thread only: libvips does its work on libuv's threads whichever
 * JavaScript thread calls it, and a worker thread that holds sharp can bring the whole process down when it is
 * terminated (sharp's own advice; one fresh-clone CI run here ended "terminate called after throwing an instance of
 * 'Napi::Error'" when depth threads that had loaded it were stopped). So the depth and pool threads never load it.
 */
let loaded: Promise<(input: Buffer, options: SharpOptions) => Sharp> | undefined;
function vips(): Promise<(input: Buffer, options: SharpOptions) => Sharp> {
  return (loaded ??= Promise.resolve().then(() => {
    // Required, not imported: sharp is CommonJS, and an ES import has Node scan its source for export names with a
    // JavaScript lexer that gets hot enough to be compiled twice by TurboFan (~300 ms of CPU against ~110 ms, at the
    // start of every run's first depth frames).
    const sharp = createRequire(import.meta.url)('sharp') as typeof import('sharp').default;
    // One libvips thread per operation: frames resize in parallel across calls, and the engine's own threads take
    // the cores. The operation cache only helps re-reading files, which this never does.
    sharp.concurrency(1);
    sharp.cache(false);
    return sharp;
  }));
}

/** `src` (sw x sh RGB24) resized to dw x dh; the same bytes back when the size is already right. */
export async function resizeRgb(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Promise<Uint8Array> {
  if (sw === dw && sh === dh) return src;
  const input = Buffer.from(src.buffer, src.byteOffset, sw * sh * 3);
  const out = await (await vips())(input, { raw: { width: sw, height: sh, channels: 3 } })
    .resize(dw, dh, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * RGB24 → PNG, tuned for latency over size (previews go over localhost and are thrown away): stored, not deflated,
 * and one filter for every row instead of trying each. Deflate at its fastest level took 49–74 ms for a real
 * 2560x720 side-by-side frame of bbb-5s-720p and saved only 28 % of its bytes (4.0 of 5.5 MB); stored, 7–12 ms.
 */
export async function encodePngRgb(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  const input = Buffer.from(rgb.buffer, rgb.byteOffset, width * height * 3);
  return (await vips())(input, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 0, adaptiveFiltering: false }).toBuffer();
}
