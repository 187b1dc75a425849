import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { brokeredRunning, brokeredSpawn, endedChildrenCpuSeconds, stopBroker } from '../../../server/media/spawn-broker.ts';

async function text(s: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const piece of s) out += String(piece);
  return out;
}

async function bytes(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const piece of s) parts.push(Buffer.from(piece as Buffer));
  return Buffer.concat(parts);
}

describe('spawn helper', () => {
  it('runs a command and hands back its output, its pid and how it ended', async () => {
    const p = brokeredSpawn(process.execPath, ['-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)']);
    const { pid, stdout, stderr } = await p.started;
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    const [out, err] = await Promise.all([text(stdout), text(stderr)]);
    expect(out).toBe('out');
    expect(err).toBe('err');
    await expect(p.exited).resolves.toEqual({ code: 3, signal: null });
  });

  it('hands back every byte, from the first, of processes started together that write at once', async () => {
    // Each writes 1 MiB at once (a decoder's first frames): bytes the helper read before handing a pipe over were
    // lost, which shifted a decoded stream and gave every frame of a segment the wrong colours and position.
    const writer = 'const b = Buffer.alloc(1 << 20); for (let i = 0; i < b.length; i++) b[i] = (i * 7 + (i >> 13)) & 255; process.stdout.write(b); process.stderr.write("e".repeat(70000))';
    const expected = Buffer.alloc(1 << 20);
    for (let i = 0; i < expected.length; i++) expected[i] = (i * 7 + (i >> 13)) & 255;
    // The helper up first; then the starts, and this thread busy for a while, as a loaded event loop is: the
    // helper waits for this side to take each pipe before it can hand over the next, and meanwhile they write.
    await brokeredSpawn(process.execPath, ['-e', '']).exited;
    const runs = Array.from({ length: 8 }, () => brokeredSpawn(process.execPath, ['-e', writer]));
    for (const until = Date.now() + 1500; Date.now() < until; );
    for (const p of runs) {
      const { stdout, stderr } = await p.started;
      const [out, err] = await Promise.all([bytes(stdout), text(stderr)]);
      expect(out.length).toBe(expected.length);
      expect(out.equals(expected)).toBe(true);
      expect(err.length).toBe(70000);
      await expect(p.exited).resolves.toEqual({ code: 0, signal: null });
    }
    // Bytes read and dropped in the helper left the streams short, or never ending: fail in seconds, not minutes.
  }, 30_000);

  it('processes started together that end at once still hand back their output, however late it comes', async () => {
    // They end while their pipes still wait in the helper to be handed over; what they wrote must arrive all the same.
    await brokeredSpawn(process.execPath, ['-e', '']).exited;
    const runs = Array.from({ length: 8 }, (_, k) => brokeredSpawn(process.execPath, ['-e', `process.stderr.write("bye ${k}")`]));
    for (const until = Date.now() + 1500; Date.now() < until; );
    for (const [k, p] of runs.entries()) {
      const { stdout, stderr } = await p.started;
      const [out, err] = await Promise.all([bytes(stdout), text(stderr)]);
      expect(out.length).toBe(0);
      expect(err).toBe(`bye ${k}`);
      await expect(p.exited).resolves.toEqual({ code: 0, signal: null });
    }
  }, 30_000);

  it('kill stops the process', async () => {
    const p = brokeredSpawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await p.started;
    p.kill();
    await expect(p.exited).resolves.toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('a command that does not exist fails to start, naming why', async () => {
    const p = brokeredSpawn('/no/such/ffmpeg', []);
    await expect(p.started).rejects.toThrow(/ENOENT/);
    await expect(p.exited).rejects.toThrow(/ENOENT/);
  });

  it.runIf(process.platform === 'linux')('if the helper dies, what it was running is reported failed, and the next start has a new helper', async () => {
    const p = brokeredSpawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    const { pid } = await p.started;
    stopBroker();
    await expect(p.exited).rejects.toThrow(/helper exited/);
    // Its child did not outlive it (gone, or a zombie nobody has reaped yet).
    await new Promise((r) => setTimeout(r, 100));
    let state = 'gone';
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch {
      /* gone */
    }
    expect(['gone', 'Z']).toContain(state);
    const q = brokeredSpawn(process.execPath, ['-e', 'process.stdout.write("again")']);
    expect(await text((await q.started).stdout)).toBe('again');
    await expect(q.exited).resolves.toEqual({ code: 0, signal: null });
  });

  it('a process that used it exits when its own work is done (the helper does not keep it alive)', async () => {
    const broker = fileURLToPath(new URL('../../../server/media/spawn-broker.ts', import.meta.url));
    const code = `const { brokeredSpawn } = await import(${JSON.stringify(broker)});
      const p = brokeredSpawn(process.execPath, ['-e', 'process.stdout.write("x")']);
      const { stdout } = await p.started; for await (const _ of stdout) {} await p.exited; console.log('done');`;
    const t0 = performance.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 20_000 });
    expect(stdout.trim()).toBe('done');
    expect(performance.now() - t0).toBeLessThan(15_000);
  });

  it('started ahead (a probe does so), the helper is there for the first decoder and still keeps no process alive', async () => {
    const broker = fileURLToPath(new URL('../../../server/media/spawn-broker.ts', import.meta.url));
    const code = `const { prestartBroker } = await import(${JSON.stringify(broker)});
      const { execFileSync } = await import('node:child_process');
      prestartBroker();
      prestartBroker();
      await new Promise((r) => setTimeout(r, 500));
      const children = execFileSync('ps', ['-o', 'args=', '--ppid', String(process.pid)]).toString();
      console.log(children.split('\\n').filter((l) => l.includes('spawn-broker-process')).length);`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { timeout: 20_000 });
    // One helper however often it is asked for, and the process ended by itself with it running.
    expect(stdout.trim()).toBe('1');
  });

  it.runIf(process.platform === 'linux')('counts the CPU of the processes it and this process started, once they end (the bench\'s ffmpeg share)', async () => {
    // About 0.3 s of user CPU each, through the helper (a decoder's way) and started directly (an encoder's); each
    // says what it used in all, its start included (the system time of a Node start alone was 0.3–0.9 s here).
    const burn = 'const t = process.cpuUsage(); while (process.cpuUsage(t).user < 300_000); const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1e6))';
    const before = endedChildrenCpuSeconds()!;
    const running = brokeredSpawn(process.execPath, ['-e', burn]);
    expect(brokeredRunning()).toBeGreaterThan(0);
    const ownViaHelper = Number(await text((await running.started).stdout));
    await running.exited;
    expect(brokeredRunning()).toBe(0);
    const viaHelper = endedChildrenCpuSeconds()! - before;
    const ownDirect = Number((await promisify(execFile)(process.execPath, ['-e', burn])).stdout);
    const direct = endedChildrenCpuSeconds()! - before - viaHelper;
    expect(ownViaHelper).toBeGreaterThanOrEqual(0.3);
    expect(ownDirect).toBeGreaterThanOrEqual(0.3);
    // Each counted once: at least what it said it used (less the clock ticks' rounding), and less than twice that
    // (its exit's own CPU comes on top of what it said).
    expect(viaHelper).toBeGreaterThanOrEqual(ownViaHelper - 0.02);
    expect(viaHelper).toBeLessThan(2 * ownViaHelper);
    expect(direct).toBeGreaterThanOrEqual(ownDirect - 0.02);
    expect(direct).toBeLessThan(2 * ownDirect);
  }, 30_000);
});
