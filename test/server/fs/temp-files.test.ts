import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeLiveTempsSync, sweepTemps, tempPathFor, trackTemp } from '../../../server/fs/temp-files.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-temps-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has exited, as a kill -9'd anelo would leave in its temp names. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('temp files', () => {
  it('sweeps temps of dead processes and legacy names, keeps live ones and everything else', async () => {
    const dead = deadPid();
    const names = {
      deadPartial: `.out.mp4.anelo-${dead}-0123456789.mp4`,
      deadUpload: `.upload.anelo-${dead}-abcdefabcd.tmp`,
      livePartial: `.out.mp4.anelo-${process.pid}-0123456789.mp4`,
      legacyOld: '.clip.partial-deadbeef.mp4',
      legacyNew: '.x.json.0123456789ab.tmp',
      output: 'clip-encode-20261129-120000.mp4',
      userDot: '.hidden-notes.txt',
    };
    for (const n of Object.values(names)) writeFileSync(path.join(dir, n), 'x');
    const old = new Date(Date.now() - 2 * 3600_000);
    utimesSync(path.join(dir, names.legacyOld), old, old);
    const removed = await sweepTemps(dir);
    expect(removed.sort()).toEqual([names.deadPartial, names.deadUpload, names.legacyOld].sort());
    expect(readdirSync(dir).sort()).toEqual([names.livePartial, names.legacyNew, names.output, names.userDot].sort());
  });

  it('a missing folder sweeps to nothing without throwing', async () => {
    expect(await sweepTemps(path.join(dir, 'nope'))).toEqual([]);
  });

  it('names temps after the file and this process, and removes tracked ones on demand', () => {
    const t = tempPathFor(path.join(dir, 'report.json'));
    expect(path.basename(t)).toMatch(new RegExp(`^\\.report\\.json\\.anelo-${process.pid}-[0-9a-f]{10}\\.tmp$`));
    writeFileSync(t, 'partial');
    trackTemp(t);
    removeLiveTempsSync();
    expect(existsSync(t)).toBe(false);
  });
});
