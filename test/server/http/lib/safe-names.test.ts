import { describe, expect, it } from 'vitest';
import { checkFileName, sanitiseUploadName } from '../../../../server/http/lib/safe-names.ts';

describe('upload names', () => {
  it('keep what they can of a name: accents dropped from letters, other characters replaced, the extension kept', () => {
    expect(sanitiseUploadName('Café de Flore.MOV')).toBe('Cafe de Flore.mov');
    expect(sanitiseUploadName('Ærø – Straße (2).mp4')).toBe('AEro _ Strasse (2).mp4');
    expect(sanitiseUploadName('Łódź.mkv')).toBe('Lodz.mkv');
    expect(sanitiseUploadName('ＦＵＬＬ.mp4')).toBe('FULL.mp4');
    expect(sanitiseUploadName('clip😀.mp4')).toBe('clip_.mp4');
    expect(sanitiseUploadName('東京.mp4')).toBe('upload.mp4');
    expect(sanitiseUploadName(undefined)).toBe('upload.mp4');
    expect(sanitiseUploadName('noext')).toBe('noext.mp4');
  });

  it('never name a path, whatever the characters normalise to', () => {
    for (const original of ['../../evil.mp4', 'a\\b.mp4', 'a．．／．．／x.mp4', '..／etc／passwd', '.hidden.mp4', 'a\u0000b.mp4']) {
      const name = sanitiseUploadName(original);
      expect(() => checkFileName(name), `${original} → ${name}`).not.toThrow();
      expect(name).not.toMatch(/[\\/]|\.\./);
    }
  });
});
