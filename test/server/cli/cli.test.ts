import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasShared, PROJECT_ROOT, sharedPath } from '../../helpers/shared-data.ts';
import { writeDecodeEncodeGraph } from '../../helpers/decode-encode-graph.ts';
import { writeCutShortClip, writeDamagedClip } from '../../helpers/bad-media.ts';
import { tempModelDir, writeDepthAnythingLike } from '../../helpers/test-models.ts';

const run = promisify(execFile);
const BIN = path.join(PROJECT_ROOT, 'bin', 'anelo.mjs');

async function anelo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir: string;
let graph: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-cli-'));
  graph = await writeDecodeEncodeGraph(dir);
});

describe.skipIf(!hasShared('media'))('anelo run', () => {
  it('a second identical run takes depth from the cache and says so; it decodes again, keeping no frame on disk', async () => {
    const model = writeDepthAnythingLike(tempModelDir(), { weights: [0.2, 0.5, 0.3], bias: 1 }, { target: 28 }).path;
    const cache = path.join(dir, 'cache');
    const common = ['run', path.join(PROJECT_ROOT, 'graphs', 'default.json'), '--input', sharedPath('media/carphone-176x144.mp4'), '--output', path.join(dir, 'out.mp4'), '--cache-dir', cache];
    for (const s of [`depth.model=${model}`, 'encode.preset="ultrafast"']) common.push('--set', s);
    const first = await anelo(...common, '--report', path.join(dir, 'first.json'));
    expect(first.code, first.stderr).toBe(0);
    const second = await anelo(...common, '--report', path.join(dir, 'second.json'));
    expect(second.code, second.stderr).toBe(0);
    const a = JSON.parse(await fs.readFile(path.join(dir, 'first.json'), 'utf8'));
    const b = JSON.parse(await fs.readFile(path.join(dir, 'second.json'), 'utf8'));
    expect(a.nodes.depth).toMatchObject({ type: 'depth', status: 'ran', computedFrames: 120 });
    expect(b.nodes.depth).toMatchObject({ type: 'depth', status: 'cached', computedFrames: 0 });
    // The source holds the frames: refine and warp read them, so they are decoded again, not read back from disk.
    expect(b.nodes.decode).toMatchObject({ type: 'decode', status: 'ran', computedFrames: 120 });
    expect(b.nodes.encode).toMatchObject({ status: 'ran', computedFrames: 120 });
    expect(typeof b.totalMs).toBe('number');
    expect(second.stdout).toMatch(/^ +depth +depth +cached +0 frames/m);
    // The first run says it loads the model and how long that took; the second, whose depth is all in the cache,
    // loads none (it had loaded one for nothing: 0.5 s here, seconds for a large model).
    expect(first.stderr).toContain(`loading model ${model}…\n`);
    expect(first.stderr.split('\n').filter((l) => l.startsWith(`model ${model} loaded in `))).toEqual([expect.stringMatching(/ loaded in \d+ ms$/)]);
    expect(second.stderr).not.toContain('loading model');
    // 120 decoded frames of 176x144 are 9.1 MB; depth, flow, cuts, smoothed depth and the action entries far less.
    let bytes = 0;
    for (const e of await fs.readdir(cache, { withFileTypes: true, recursive: true })) if (e.isFile()) bytes += (await fs.stat(path.join(e.parentPath, e.name))).size;
    expect(bytes).toBeLessThan(3_000_000);
  });

  it('says on stderr, as it happens, that the input is damaged: the render succeeds and the warning is not only in --report', async () => {
    const damaged = writeDamagedClip(path.join(dir, 'damaged.mp4'));
    const r = await anelo('run', graph, '--input', damaged, '--output', path.join(dir, 'damaged-out.mp4'), '--cache-dir', path.join(dir, 'cache-damaged'), '--report', path.join(dir, 'damaged.json'));
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning '));
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings[0]).toMatch(/^warning ANELO_E038_NODE_WARNING \(node decode\): ffmpeg reported \d+ decode error\(s\) in frames \d+\.\.\d+ of .*damaged\.mp4/);
    // The same warnings as the report's, each once.
    const report = JSON.parse(await fs.readFile(path.join(dir, 'damaged.json'), 'utf8'));
    expect(warnings.map((l) => l.slice('warning '.length))).toEqual(report.warnings);
    // And with the outcome on stdout.
    expect(r.stdout).toMatch(new RegExp(`^done in \\d+ ms with ${report.warnings.length} warnings?$`, 'm'));
    expect(r.stdout).toContain(`  warning ${report.warnings[0]}`);
  });

  it('a file cut short fails naming the frame its video stops at and how to convert what it has; that works', async () => {
    const cut = await writeCutShortClip(path.join(dir, 'cut.mp4'));
    const out = path.join(dir, 'cut-out.mp4');
    const r = await anelo('run', graph, '--input', cut, '--output', out, '--cache-dir', path.join(dir, 'cache-cut'));
    expect(r.code).toBe(1);
    const m = /^error ANELO_E012_DECODE_FAILED \(node decode\): .*cut\.mp4 has no frame (\d+): its video stops at frame (\d+), though the file's header says it goes on\. The file is probably cut short .* To convert the frames it has, set the End frame of node "decode" to (\d+) \(anelo run: --set decode\.end=(\d+)\)\.$/m.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const endsAt = Number(m![2]);
    expect(endsAt).toBeGreaterThan(20);
    expect(endsAt).toBeLessThan(120);
    expect(Number(m![3])).toBe(endsAt);
    await expect(fs.stat(out)).rejects.toThrow();
    // Frames the last chunk lacked were filled with its last frame, and said so (unless the video stopped on a chunk's edge).
    if (endsAt % 16 !== 0) expect(r.stderr).toContain(`warning ANELO_E038_NODE_WARNING (node decode): the video in ${cut} stops at frame ${endsAt}, though its header says it goes on: frames ${endsAt}..`);
    const ok = await anelo('run', graph, '--input', cut, '--output', out, '--cache-dir', path.join(dir, 'cache-cut'), '--set', `decode.end=${endsAt}`, '--report', path.join(dir, 'cut.json'));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).not.toContain('stops at frame');
    expect(JSON.parse(await fs.readFile(path.join(dir, 'cut.json'), 'utf8')).nodes.encode.computedFrames).toBe(endsAt);
  });

  it('--frames limits the frames written', async () => {
    const r = await anelo('run', graph, '--input', sharedPath('media/carphone-176x144.mp4'), '--output', path.join(dir, 'part.mp4'), '--frames', '10:30', '--cache-dir', path.join(dir, 'cache'), '--report', path.join(dir, 'part.json'));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'part.json'), 'utf8')).frames).toEqual({ start: 10, end: 30 });
  });
});

describe('anelo errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['missing input', ['--input', '/no/such/clip.mp4'], /^error ANELO_E010_INPUT_MISSING \(node decode\): .*\/no\/such\/clip\.mp4/m],
    ['not a video', ['--input', path.join(PROJECT_ROOT, 'package.json')], /^error ANELO_E011_NOT_A_VIDEO \(node decode\): not a readable video: .*package\.json/m],
    ['bad --set syntax', ['--set', 'decode:maxHeight'], /^error ANELO_E051_BAD_SET: --set "decode:maxHeight"/m],
    ['--set on an unknown node', ['--set', 'smooth.strength=0.5'], /^error ANELO_E051_BAD_SET \(node smooth, param strength\): --set smooth.strength: no node "smooth"/m],
    ['--set out of range', ['--set', 'encode.crf=99'], /^error ANELO_E001_GRAPH_INVALID \(node encode, param crf.*\): .*param "crf" must be at most 51, got 99/m],
    // Found before the render, not when ffmpeg opens the file at the end of it.
    ['an output folder it cannot write in', ['--output', '/proc/anelo/out.mp4'], /^error ANELO_E021_OUTPUT_NOT_WRITABLE \(param output\): --output \/proc\/anelo\/out\.mp4: cannot write in \/proc\/anelo \(E[A-Z]+\); choose a folder you can write to$/m],
    // Taken for file names before ("input file not found: /home/me/https:/example.com/a.mp4").
    ['a URL as input', ['--input', 'https://example.com/a.mp4'], /^error ANELO_E050_BAD_ARGUMENT \(param input\): --input https:\/\/example\.com\/a\.mp4: anelo reads local files, not https URLs; download it first and give the file$/m],
    ['standard input', ['--input', '-'], /^error ANELO_E050_BAD_ARGUMENT \(param input\): --input -: anelo reads video files, not standard input; give a file$/m],
    ['standard output', ['--output', '-'], /^error ANELO_E050_BAD_ARGUMENT \(param output\): --output -: anelo writes video files, not standard output; give a file name such as out\.mp4$/m],
  ];
  for (const [name, extra, pattern] of cases) {
    it(`${name}: exits non-zero with one line saying what and where, no stack trace`, async () => {
      const r = await anelo('run', graph, '--input', sharedPath('media/carphone-176x144.mp4'), '--output', path.join(dir, 'x.mp4'), '--cache-dir', path.join(dir, 'cache'), ...extra);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a file: URL is the file it names, for --input and --output', async () => {
    const out = path.join(dir, 'from-url.mp4');
    const r = await anelo('run', graph, '--input', pathToFileURL(sharedPath('media/carphone-176x144.mp4')).href, '--output', pathToFileURL(out).href, '--frames', '0:5', '--cache-dir', path.join(dir, 'cache'), '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`wrote ${out}`);
  });

  it('a graph with no node that writes a file is refused, not a run that "succeeds" writing nothing', async () => {
    const noSink = path.join(dir, 'no-sink.json');
    await fs.writeFile(noSink, JSON.stringify({ schemaVersion: 1, nodes: [{ id: 'decode', type: 'decode', params: {}, position: { x: 0, y: 0 } }], edges: [] }));
    const out = path.join(dir, 'no-sink.mp4');
    const r = await anelo('run', noSink, '--input', 'x.mp4', '--output', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error ANELO_E032_NO_OUTPUT_PATH: ${noSink} has no node that writes a file (an "Encode video" node), so there is nothing to render to ${out}: add one and connect it`);
  });

  it('a graph file that is a folder says so, not "not found"', async () => {
    const r = await anelo('run', dir, '--input', 'x.mp4', '--output', 'y.mp4');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error ANELO_E010_INPUT_MISSING.*: graph file is a folder, not a graph file: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  });

  it('an invalid graph file names the file', async () => {
    const bad = path.join(dir, 'bad.json');
    await fs.writeFile(bad, '{"schemaVersion": 1, "nodes": [');
    const r = await anelo('run', bad, '--input', 'x.mp4', '--output', 'y.mp4');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error ANELO_E002_GRAPH_PARSE: .*bad\.json/m);
  });
});

describe('anelo nodes', () => {
  it('prints the catalogue the editor uses, with ports, types and param defaults', async () => {
    const r = await anelo('nodes', '--json');
    const cat = JSON.parse(r.stdout);
    expect(cat.decode.outputs).toEqual([{ name: 'frames', types: ['frames'], label: 'Frames' }]);
    expect(cat.encode.params.properties.crf).toMatchObject({ default: 18, minimum: 0, maximum: 51 });
    const text = await anelo('nodes');
    expect(text.stdout).toMatch(/encode \(v1\)/);
  });
});

describe('anelo help', () => {
  it('`anelo run --help` exits 0 with every option run takes, and runs nothing', async () => {
    const r = await anelo('run', graph, '--input', '/no/such/clip.mp4', '--help');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^anelo run <graph\.json> --input <video> --output <file> \[options\]\n/);
    for (const option of ['-i, --input', '-o, --output', '--set', '--frames', '--report', '--cache-dir', '--workers', '-q, --quiet', '--verbose', '--cluster', '--segment-frames', '--min-segment-frames']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${option} `, 'm'));
    }
    // The same as `anelo help run`.
    expect((await anelo('help', 'run')).stdout).toBe(r.stdout);
  });

  it('each command has its own help; an unknown one is a coded error', async () => {
    for (const command of ['worker', 'nodes', 'models', 'serve', 'doctor']) {
      const r = await anelo(command, '-h');
      expect(r.code, `${command}: ${r.stderr}`).toBe(0);
      expect(r.stdout.startsWith(`anelo ${command}`)).toBe(true);
    }
    const bad = await anelo('help', 'convert');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error ANELO_E050_BAD_ARGUMENT: unknown command "convert" \(try: anelo help\)$/m);
  });
});
