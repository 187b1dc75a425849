import { describe, expect, it } from 'vitest';
import { buildConcatArgs, concatList } from '../../../server/media/concat-segments.ts';

describe('concatList', () => {
  it("lists absolute paths in order, quoting a file name's single quotes", () => {
    expect(concatList(['/a/0.mp4', "/b/it's.mp4"])).toBe("ffconcat version 1.0\nfile '/a/0.mp4'\nfile '/b/it'\\''s.mp4'\n");
  });
});

describe('buildConcatArgs', () => {
  const source = { path: '/m/src.mkv', startTime: 2, durationS: 10, audioCodecs: ['aac'] };

  it('copies the video, and copies audio the container takes, over the given range of the source', () => {
    const args = buildConcatArgs({ list: '/o/l.txt', temp: '/o/t.mp4', ext: '.mp4', source });
    expect(args.join(' ')).toContain('-protocol_whitelist file,pipe -f concat -safe 0 -i /o/l.txt -protocol_whitelist file,pipe -format_whitelist ');
    expect(args.join(' ')).toContain(' -ss 2.000000 -t 10.000000 -i file:/m/src.mkv');
    expect(args.join(' ')).toContain('-map 0:v:0 -c:v copy -map 1:a -c:a copy');
    expect(args.slice(-3)).toEqual(['-f', 'mp4', '/o/t.mp4']);
    expect(args).not.toContain('1:s?');
  });

  it('re-encodes audio to AAC only when the container cannot hold it, and keeps subtitles in Matroska only', () => {
    expect(buildConcatArgs({ list: 'l', temp: 't.mp4', ext: '.mp4', source: { ...source, audioCodecs: ['opus'] } }).join(' ')).toContain('-c:a aac');
    const mkv = buildConcatArgs({ list: 'l', temp: 't.mkv', ext: '.mkv', source: { ...source, audioCodecs: ['opus'] }, stereoMode: 'left_right' }).join(' ');
    expect(mkv).toContain('-c:a copy -map 1:s? -c:s copy -metadata:s:v:0 stereo_mode=left_right');
  });

  it('without a source (or one without audio) maps the video alone', () => {
    expect(buildConcatArgs({ list: 'l', temp: 't.mp4', ext: '.mp4' })).not.toContain('-ss');
    expect(buildConcatArgs({ list: 'l', temp: 't.mp4', ext: '.mp4', source: { ...source, audioCodecs: [] } })).not.toContain('1:a');
  });
});
