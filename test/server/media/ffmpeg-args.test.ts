import { describe, expect, it } from 'vitest';
import { buildDecodeArgs, buildEncodeArgs, colourArgs, stereoFileSuffix } from '../../../server/media/ffmpeg-args.ts';

const base = { width: 641, height: 361, fps: 24, codec: 'h264' as const, crf: 18, preset: 'medium', evenSize: 'pad' as const };

describe('ffmpeg argument lists', () => {
  it('decodes to raw RGB at a constant rate and the requested size, seeking accurately', () => {
    const a = buildDecodeArgs({ input: 'x.mp4', seekS: 2.5, fps: 24, width: 320, height: 180 });
    expect(a.inputOptions).toEqual(['-ss', '2.500000']);
    expect(a.outputOptions.join(' ')).toContain('-vf fps=fps=24,scale=320:180');
    expect(a.outputOptions.join(' ')).toContain('-pix_fmt rgb24');
  });

  it('pads or crops odd sizes to even for yuv420p, and leaves even ones as they are', () => {
    expect(buildEncodeArgs({ ...base, ext: '.mp4' }).outputOptions.join(' ')).toContain('-vf pad=ceil(iw/2)*2:ceil(ih/2)*2:0:0:black,format=yuv420p');
    expect(buildEncodeArgs({ ...base, evenSize: 'crop', ext: '.mp4' }).outputOptions.join(' ')).toContain('-vf crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0,format=yuv420p');
    expect(buildEncodeArgs({ ...base, width: 640, ext: '.mp4' }).outputOptions.join(' ')).toContain('-vf pad=');
    for (const evenSize of ['pad', 'crop'] as const) {
      expect(buildEncodeArgs({ ...base, width: 640, height: 360, evenSize, ext: '.mp4' }).outputOptions.join(' ')).toContain('-vf format=yuv420p');
    }
  });

  it('copies audio the container accepts and re-encodes the rest to AAC', () => {
    const streams = (audio: string[]) => ({ audio, subtitles: [], attachments: 0, other: [] });
    const copy = buildEncodeArgs({ ...base, ext: '.mp4', audio: { startTime: 1, durationS: 2, streams: streams(['aac']) } });
    expect(copy.outputOptions.join(' ')).toContain('-map 1:a:0 -c:a:0 copy');
    expect(copy.audioInputOptions).toEqual(['-ss', '1.000000', '-t', '2.000000']);
    const vorbis = buildEncodeArgs({ ...base, ext: '.mp4', audio: { startTime: 0, durationS: 2, streams: streams(['vorbis']) } });
    expect(vorbis.outputOptions.join(' ')).toContain('-c:a:0 aac');
    const mkv = buildEncodeArgs({ ...base, ext: '.mkv', audio: { startTime: 0, durationS: 2, streams: streams(['vorbis']) } });
    expect(mkv.outputOptions.join(' ')).toContain('-c:a:0 copy');
  });

  it('writes Matroska stereo_mode for stereo layouts and tags H.265 in MP4 for players', () => {
    expect(buildEncodeArgs({ ...base, ext: '.mkv', stereoLayout: 'sbs-full' }).outputOptions.join(' ')).toContain('stereo_mode=left_right');
    expect(buildEncodeArgs({ ...base, ext: '.mkv', stereoLayout: 'tb-half' }).outputOptions.join(' ')).toContain('stereo_mode=top_bottom');
    expect(buildEncodeArgs({ ...base, ext: '.mp4', codec: 'h265' }).outputOptions.join(' ')).toContain('-c:v libx265');
    expect(buildEncodeArgs({ ...base, ext: '.mp4', codec: 'h265' }).outputOptions.join(' ')).toContain('-tag:v hvc1');
    expect(stereoFileSuffix('sbs-full')).toBe('_LRF_Full_SBS');
    expect(stereoFileSuffix('tb-half')).toBe('_TB');
    expect(stereoFileSuffix(undefined)).toBe('');
  });
});

describe('colourArgs', () => {
  it('converts back with the source matrix and declares what it declared', () => {
    expect(colourArgs({ matrix: 'bt709', primaries: 'bt709', transfer: 'bt709' })).toEqual({
      convert: 'scale=out_color_matrix=bt709:out_range=tv,',
      declare: ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'],
    });
    expect(colourArgs({ matrix: 'bt470bg' }).convert).toBe('scale=out_color_matrix=bt601:out_range=tv,');
  });

  it('leaves an undeclared source, and names ffmpeg does not know, as ffmpeg would', () => {
    expect(colourArgs(undefined)).toEqual({ convert: '', declare: [] });
    expect(colourArgs({ matrix: 'ycgco', primaries: 'nonsense', transfer: 'x; rm -rf' })).toEqual({ convert: '', declare: [] });
  });
});
