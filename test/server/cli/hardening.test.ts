import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs, readFileSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasShared, PROJECT_ROOT, sharedPath } from '../../helpers/shared-data.ts';
import { writeDecodeEncodeGraph } from '../../helpers/decode-encode-graph.ts';
import { tempModelDir, writeSlowDepthModel } from '../../helpers/test-models.ts';

const run = promisify(execFile);
const BIN = path.join(PROJECT_ROOT, 'bin', 'anelo.mjs');
const CLIP = sharedPath('media', 'carphone-176x144.mp4');
const LONG = sharedPath('media', 'bbb-60s-640x360.mp4');

async function anelo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

let dir: string;
let graph: string;
let depthGraph: string;
let input: string;
let inputSha: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-cli-hard-'));
  graph = await writeDecodeEncodeGraph(dir);
  depthGraph = path.join(dir, 'depth.json');
  await fs.writeFile(
    depthGraph,
    JSON.stringify({
      schemaVersion: 1,
      nodes: [
        { id: 'decode', type: 'decode', params: {}, position: { x: 0, y: 0 } },
        { id: 'depth', type: 'depth', params: {}, position: { x: 200, y: 0 } },
        { id: 'encode', type: 'encode', params: { preset: 'ultrafast' }, position: { x: 400, y: 0 } },
      ],
      edges: [
        { source: 'decode', sourcePort: 'frames', target: 'depth', targetPort: 'frames' },
        { source: 'depth', sourcePort: 'depth', target: 'encode', targetPort: 'video' },
      ],
    }),
  );
  input = path.join(dir, 'input.mp4');
  if (hasShared('media')) {
    await fs.copyFile(CLIP, input);
    inputSha = sha(input);
  }
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const cache = (): string[] => ['--cache-dir', path.join(dir, 'cache')];

describe.skipIf(!hasShared('media'))('anelo run never destroys a source', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['--output equal to --input', () => ['--output', input], /^error ANELO_E100_OUTPUT_IS_SOURCE/m],
    ['--output a symlink to --input', () => {
      const link = path.join(dir, 'link-out.mp4');
      symlinkSync(input, link);
      return ['--output', link];
    }, /^error ANELO_E100_OUTPUT_IS_SOURCE/m],
    ['--output the input through a relative path', () => ['--output', path.relative(PROJECT_ROOT, input)], /^error ANELO_E100_OUTPUT_IS_SOURCE/m],
    ['--report equal to --input', () => ['--output', path.join(dir, 'ok.mp4'), '--report', input], /^error ANELO_E100_OUTPUT_IS_SOURCE .*--report|^error ANELO_E100_OUTPUT_IS_SOURCE/m],
    ['--report equal to the graph file', () => ['--output', path.join(dir, 'ok.mp4'), '--report', graph], /^error ANELO_E100_OUTPUT_IS_SOURCE/m],
    ['--report equal to --output', () => ['--output', path.join(dir, 'ok.mp4'), '--report', path.join(dir, 'ok.mp4')], /^error ANELO_E100_OUTPUT_IS_SOURCE/m],
    ['--output a directory', () => ['--output', dir], /^error ANELO_E10[01]_|^error ANELO_E021_/m],
  ];
  for (const [name, args, pattern] of cases) {
    it(`${name}: refused before any work, the input unchanged`, async () => {
      const r = await anelo('run', graph, '--input', input, ...args(), ...cache());
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/progress/);
      expect(sha(input)).toBe(inputSha);
      expect(JSON.parse(readFileSync(graph, 'utf8')).schemaVersion).toBe(1);
    });
  }

  it.skipIf(!statSync('/dev/full', { throwIfNoEntry: false })?.isCharacterDevice())('--report /dev/full: E101, still a device', async () => {
    const r = await anelo('run', graph, '--input', input, '--output', path.join(dir, 'ok2.mp4'), '--report', '/dev/full', ...cache());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error ANELO_E101_OUTPUT_NOT_REGULAR/m);
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    await expect(fs.access(path.join(dir, 'ok2.mp4'))).rejects.toThrow();
  });
});

describe('anelo run bad arguments are coded, never E099', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown flag', ['--outptu', 'x.mp4'], /^error ANELO_E050_BAD_ARGUMENT: .*--outptu/m],
    ['--frames -5:10', ['--frames', '-5:10'], /^error ANELO_E050_BAD_ARGUMENT/m],
    ['--frames 5:x', ['--frames', '5:x'], /^error ANELO_E050_BAD_ARGUMENT/m],
    ['--cache-dir pointing at a file', ['--cache-dir', BIN], /^error ANELO_E111_CACHE_DIR_INVALID/m],
    ['an input that is a playlist', ['--input', '__playlist__'], /^error ANELO_E102_MEDIA_FORMAT_REFUSED/m],
    ['a model whose manifest is not JSON', ['--set', 'depth.model=__badmodel__'], /^error ANELO_E042_MODEL_MANIFEST .*not valid JSON/m],
  ];
  for (const [name, extra, pattern] of cases) {
    it(`${name}: exit 1, one coded line`, async () => {
      const playlist = path.join(dir, 'list.mp4');
      await fs.writeFile(playlist, `#EXTM3U\n#EXTINF:4,\nfile://${CLIP}\n`);
      const model = path.join(dir, 'broken-model.onnx');
      await fs.writeFile(model, 'onnx bytes');
      await fs.writeFile(`${model}.json`, '{ "id": "broken", ');
      const args = extra.map((a) => (a === '__playlist__' ? playlist : a.replace('__badmodel__', model)));
      const g = args.includes('--set') ? depthGraph : graph;
      const base = ['run', g, '--input', hasShared('media') ? input : CLIP, '--output', path.join(dir, 'y.mp4')];
      const r = await anelo(...base, ...(args.includes('--cache-dir') ? [] : cache()), ...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/E099|\n\s+at /);
    });
  }
});

/** Starts a run, sends `signal` `afterMs` after the first progress line, and reports how it ended. */
async function interrupt(
  args: string[],
  signal: NodeJS.Signals,
  afterMs: number,
  opts: { env?: NodeJS.ProcessEnv; againAfterMs?: number } = {},
): Promise<{ code: number | null; stopMs: number; stderr: string; endedBeforeAgain: boolean }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
  let stderr = '';
  let sentAt = 0;
  const started = new Promise<void>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += String(d);
      if (/progress/.test(stderr)) resolve();
    });
  });
  // The status a shell reports: a CLI whose forced exit had to end by SIGINT (a batch still inside onnxruntime when
  // the wait ran out, see exitSoon) reads 130 there as well.
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code, sig) => resolve(code ?? (sig ? 128 + os.constants.signals[sig] : null))));
  await Promise.race([started, exited]);
  await new Promise((r) => setTimeout(r, afterMs));
  sentAt = Date.now();
  child.kill(signal);
  if (opts.againAfterMs !== undefined) {
    await new Promise((r) => setTimeout(r, opts.againAfterMs));
    child.kill(signal);
  }
  const code = await exited;
  // The command printed how its run ended, and no second signal reached its handlers (which say "stopped"): on a
  // loaded machine this process's timer can fire long after `againAfterMs`, when the command is already exiting.
  const endedBeforeAgain = opts.againAfterMs !== undefined && /\nerror ANELO_/.test(stderr) && !/\nstopped\n/.test(stderr);
  return { code, stopMs: Date.now() - sentAt, stderr, endedBeforeAgain };
}

describe.skipIf(!hasShared('media'))('signals stop a run within 5 s, leaving no partial file', () => {
  it('SIGTERM during a long render: exits within 5 s, no output, no temp file', async () => {
    const out = await fs.mkdtemp(path.join(dir, 'sigterm-'));
    const r = await interrupt(['run', graph, '--input', LONG, '--output', path.join(out, 'long.mp4'), ...cache()], 'SIGTERM', 300);
    expect(r.stopMs).toBeLessThan(5_000);
    expect(r.code).not.toBe(0);
    expect(await fs.readdir(out)).toEqual([]);
  }, 60_000);

  for (const afterMs of [0, 100, 750]) {
    it(`Ctrl-C ${afterMs} ms into a run with a warm cache: exits within 5 s, the previous output intact`, async () => {
      const out = await fs.mkdtemp(path.join(dir, 'sigint-'));
      const target = path.join(out, 'clip.mp4');
      const warm = await anelo('run', graph, '--input', input, '--output', target, ...cache(), '--quiet');
      expect(warm.code, warm.stderr).toBe(0);
      const before = sha(target);
      const r = await interrupt(['run', graph, '--input', input, '--output', target, ...cache()], 'SIGINT', afterMs);
      expect(r.stopMs).toBeLessThan(5_000);
      // Either it finished before the signal (a whole new file) or it stopped (the old one): never half.
      const names = await fs.readdir(out);
      expect(names).toEqual(['clip.mp4']);
      if (r.code !== 0) expect(sha(target)).toBe(before);
    }, 60_000);
  }
});

describe.skipIf(!hasShared('media'))('a second signal while depth inference runs on its threads', () => {
  it('exits 130 within 5 s, never the abort a depth thread terminated mid-inference causes', async () => {
    // A model that spends its time in onnxruntime's native run; the second signal exits at once, and exiting
    // terminates the depth threads: inside a run that aborts the process (exit 134, "terminate called after throwing
    // an instance of 'Napi::Error'"), so the exit waits for the running batches first.
    const models = tempModelDir();
    writeSlowDepthModel(models, { target: 448 });
    const g = path.join(dir, 'slow-depth.json');
    const doc = JSON.parse(await fs.readFile(depthGraph, 'utf8')) as { nodes: { id: string; params: Record<string, unknown> }[] };
    doc.nodes.find((n) => n.id === 'depth')!.params = { model: 'test-slow' };
    await fs.writeFile(g, JSON.stringify(doc));
    const out = await fs.mkdtemp(path.join(dir, 'sigterm-depth-'));
    const env = { ...process.env, ANELO_MODELS_DIR: models };
    // The second signal 10 ms after the first, or 150 ms after it: by then the run has stopped and the command is
    // waiting for the depth threads' running batches to close them, and must still be listening. (Three cases, as
    // before the last was added: each is a chance for a loaded machine to be slow.)
    for (const [afterMs, againAfterMs] of [[150, 10], [900, 10], [500, 150]]) {
      const args = ['run', g, '--input', LONG, '--output', path.join(out, 'depth.mp4'), '--cache-dir', path.join(out, 'cache')];
      const r = await interrupt(args, 'SIGTERM', afterMs, { env, againAfterMs });
      expect(r.stderr).not.toContain('terminate called');
      // A second signal that arrives after the command has printed its end reaches a process that is exiting, and
      // can end it by SIGTERM's own action (143; once in a loaded CI run and once of three runs beside two busy
      // loops), its status set and its files already removed. The case under test is a second signal while the run
      // stops, which the command's handlers see and answer with 130.
      if (r.endedBeforeAgain) expect([130, 143], r.stderr).toContain(r.code);
      else expect(r.code, r.stderr).toBe(130);
      expect(r.stopMs).toBeLessThan(5_000);
    }
    expect(await fs.readdir(out)).toEqual(['cache']);
    await fs.rm(models, { recursive: true, force: true });
  }, 90_000);
});

describe.skipIf(!hasShared('media'))('kill -9 during a render', () => {
  it('leaves a hidden partial that the next run into the folder sweeps; the next output is whole', async () => {
    const out = await fs.mkdtemp(path.join(dir, 'kill9-'));
    const target = path.join(out, 'long.mp4');
    const child = spawn(process.execPath, [BIN, 'run', graph, '--input', LONG, '--output', target, ...cache()], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => /progress/.test(String(d)) && resolve()));
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGKILL');
    await exited;
    const left = await fs.readdir(out);
    expect(left.every((n) => n.startsWith('.long.mp4.anelo-'))).toBe(true);
    const next = await anelo('run', graph, '--input', input, '--output', path.join(out, 'next.mp4'), ...cache(), '--quiet');
    expect(next.code, next.stderr).toBe(0);
    expect(await fs.readdir(out)).toEqual(['next.mp4']);
  }, 90_000);
});

describe.skipIf(process.getuid?.() !== 0 || !hasShared('media'))('an input the user may not read', () => {
  it('is E108 "permission denied", not "not a readable video" (run as an unprivileged user)', async () => {
    const box = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-eacces-'));
    await fs.chmod(box, 0o777);
    const secret = path.join(box, 'secret.mp4');
    await fs.copyFile(CLIP, secret);
    await fs.chmod(secret, 0o000);
    const boxGraph = path.join(box, 'graph.json');
    await fs.copyFile(graph, boxGraph);
    await fs.chmod(boxGraph, 0o644);
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [BIN, 'run', boxGraph, '--input', secret, '--output', path.join(box, 'o.mp4'), '--cache-dir', path.join(box, 'c')], {
      cwd: PROJECT_ROOT,
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      env: { ...process.env, HOME: box },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error ANELO_E108_INPUT_NOT_READABLE .*permission denied/m);
    await fs.rm(box, { recursive: true, force: true });
  }, 30_000);
});
