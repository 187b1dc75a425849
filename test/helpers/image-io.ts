/** Readers for the image formats in the shared test data: PNG (8/16-bit, palette) and PFM. */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';

export interface RgbImage {
  width: number;
  height: number;
  /** RGB24, row-major. */
  data: Uint8Array;
}

export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

/** An 8-bit PNG as RGB24 (alpha dropped, palette expanded). */
export function readPngRgb(file: string): RgbImage {
  const png = PNG.sync.read(readFileSync(file));
  const n = png.width * png.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[i * 3] = png.data[i * 4];
    data[i * 3 + 1] = png.data[i * 4 + 1];
    data[i * 3 + 2] = png.data[i * 4 + 2];
  }
  return { width: png.width, height: png.height, data };
}

/** The first channel of a PNG at its stored bit depth (16-bit samples are not rescaled), e.g. uint16 depth in mm. */
export function readPngGray(file: string): GrayImage {
  const png = PNG.sync.read(readFileSync(file), { skipRescale: true });
  const n = png.width * png.height;
  const src = png.data as unknown as ArrayLike<number>;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = src[i * 4];
  return { width: png.width, height: png.height, data };
}

/** A greyscale PFM ('Pf') as float32, rows flipped to top-to-bottom; honours the endianness in the scale line. */
export function readPfm(file: string): GrayImage {
  const buf = readFileSync(file);
  // Header: three whitespace-separated lines: "Pf", "w h", "scale".
  let pos = 0;
  const tokens: string[] = [];
  while (tokens.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    let t = '';
    while (!/\s/.test(String.fromCharCode(buf[pos]))) t += String.fromCharCode(buf[pos++]);
    tokens.push(t);
  }
  pos++; // the single whitespace after the scale
  if (tokens[0] !== 'Pf') throw new Error(`${file}: not a greyscale PFM (${tokens[0]})`);
  const width = Number(tokens[1]);
  const height = Number(tokens[2]);
  const littleEndian = Number(tokens[3]) < 0;
  const view = new DataView(buf.buffer, buf.byteOffset + pos, width * height * 4);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = (height - 1 - y) * width;
    for (let x = 0; x < width; x++) data[y * width + x] = view.getFloat32((row + x) * 4, littleEndian);
  }
  return { width, height, data };
}
