/** The RGB-D frames of ../shared/rgbd with depth decoded as DATA.md describes (0 = invalid, any unit). */
import { readFileSync } from 'node:fs';
import { readPngGray, readPngRgb } from '../../test/helpers/image-io.ts';
import { sharedPath } from '../../test/helpers/shared-data.ts';
import { readImageRgb } from './ffmpeg-tools.ts';

export interface RgbdSample {
  name: string;
  width: number;
  height: number;
  rgb: Uint8Array;
  /** Depth (metres, or the sensor's own unit for esanet), 0 where invalid. */
  depth: Float32Array;
  note?: string;
}

/** A binary PGM (P5) with 16-bit samples, read little-endian as the NYU file stores them. */
function readPgm16LittleEndian(file: string): { width: number; height: number; data: Uint16Array } {
  const buf = readFileSync(file);
  const tokens: string[] = [];
  let pos = 0;
  while (tokens.length < 4) {
    while (/\s/.test(String.fromCharCode(buf[pos]))) pos++;
    let t = '';
    while (!/\s/.test(String.fromCharCode(buf[pos]))) t += String.fromCharCode(buf[pos++]);
    tokens.push(t);
  }
  pos++;
  if (tokens[0] !== 'P5') throw new Error(`${file}: not a binary PGM`);
  const width = Number(tokens[1]);
  const height = Number(tokens[2]);
  const data = new Uint16Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = buf.readUInt16LE(pos + i * 2);
  return { width, height, data };
}

const mapDepth = (src: ArrayLike<number>, f: (v: number) => number): Float32Array => {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const d = f(src[i]);
    out[i] = Number.isFinite(d) && d > 0 ? d : 0;
  }
  return out;
};

async function tum(): Promise<RgbdSample> {
  const c = readPngRgb(sharedPath('rgbd', 'single', 'TUM_color.png'));
  const d = readPngGray(sharedPath('rgbd', 'single', 'TUM_depth.png'));
  return { name: 'TUM', width: d.width, height: d.height, rgb: c.data, depth: mapDepth(d.data, (v) => v / 5000) };
}

async function sun(): Promise<RgbdSample> {
  const d = readPngGray(sharedPath('rgbd', 'single', 'SUN_depth.png'));
  const rgb = await readImageRgb(sharedPath('rgbd', 'single', 'SUN_color.jpg'), d.width, d.height);
  return { name: 'SUN', width: d.width, height: d.height, rgb, depth: mapDepth(d.data, (v) => (((v >> 3) | (v << 13)) & 0xffff) / 1000) };
}

async function nyu(): Promise<RgbdSample> {
  const d = readPgm16LittleEndian(sharedPath('rgbd', 'single', 'NYU_depth.pgm'));
  const rgb = await readImageRgb(sharedPath('rgbd', 'single', 'NYU_color.ppm'), d.width, d.height);
  return {
    name: 'NYU',
    width: d.width,
    height: d.height,
    rgb,
    depth: mapDepth(d.data, (raw) => (raw >= 2047 ? 0 : 351.3 / (1092.5 - raw))),
    note: 'raw Kinect frame: depth not registered to colour',
  };
}

async function redwood(i: number): Promise<RgbdSample> {
  const n = String(i).padStart(5, '0');
  const d = readPngGray(sharedPath('rgbd', 'redwood-livingroom1-5frames', 'depth', `${n}.png`));
  const rgb = await readImageRgb(sharedPath('rgbd', 'redwood-livingroom1-5frames', 'color', `${n}.jpg`), d.width, d.height);
  return { name: `redwood-${n}`, width: d.width, height: d.height, rgb, depth: mapDepth(d.data, (v) => v / 1000), note: 'rendered (ICL-NUIM)' };
}

async function esanet(): Promise<RgbdSample> {
  const c = readPngRgb(sharedPath('rgbd', 'esanet-kinect2', 'sample_rgb.png'));
  const d = readPngGray(sharedPath('rgbd', 'esanet-kinect2', 'sample_depth.png'));
  return { name: 'esanet', width: d.width, height: d.height, rgb: c.data, depth: mapDepth(d.data, (v) => (v >= 65535 ? 0 : v)), note: 'units undocumented (scale-invariant metrics only); 65535 = saturated, treated as invalid' };
}

/** Groups of samples reported together: redwood's 5 frames are one row. */
export async function rgbdGroups(redwoodFrames = 5): Promise<{ name: string; load: () => Promise<RgbdSample[]> }[]> {
  return [
    { name: 'TUM', load: async () => [await tum()] },
    { name: 'SUN', load: async () => [await sun()] },
    { name: 'NYU', load: async () => [await nyu()] },
    { name: 'redwood', load: async () => Promise.all(Array.from({ length: redwoodFrames }, (_, i) => redwood(i))) },
    { name: 'esanet', load: async () => [await esanet()] },
  ];
}
