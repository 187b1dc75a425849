/**
 * `anelo serve [--host 127.0.0.1] [--port 7878] [--redis redis://host:port]`: builds the editor when it is missing or older than its sources
 * (so a pull never leaves a stale editor), starts the server, closes it cleanly on SIGINT/SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AneloError } from '../../nodes/core/errors.ts';
import { exitSoon } from '../engine/pool/node-pool.ts';
import { removeLiveTempsSync } from '../fs/temp-files.ts';
import { parseRedisUrl } from '../cluster/connect-redis.ts';
import { buildServer } from '../http/build-server.ts';
import { REPO_ROOT, resolveServerOptions } from '../http/server-options.ts';
import { STOP_GRACE_MS } from './stop-on-signal.ts';

const BUILD_HINT = 'build the editor with `npm run build` (vite build --config client/vite.config.ts), then reload';

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new AneloError('ANELO_E050_BAD_ARGUMENT', `--port "${text}": expected a port number 0-65535`, { param: 'port' });
  return n;
}

/** Newest modification time under `p` (0 when it does not exist); dot-folders are skipped. */
function newestMtime(p: string): number {
  let st;
  try {
    st = statSync(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(p)) if (!name.startsWith('.')) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/**
 * Why the editor must be (re)built, or undefined when the build is current. The bundle holds `client/` and the
 * shared `nodes/core` and `nodes/lib` code, so a change to any of them makes it stale. An installed copy without
 * the client sources serves whatever build it has.
 */
export function clientBuildReason(clientDir: string, root = REPO_ROOT): string | undefined {
  const index = path.join(clientDir, 'index.html');
  if (!existsSync(index)) return 'editor not built yet';
  const sources = path.join(root, 'client');
  if (!existsSync(sources)) return undefined;
  const newest = Math.max(newestMtime(sources), newestMtime(path.join(root, 'nodes', 'core')), newestMtime(path.join(root, 'nodes', 'lib')));
  return newest > statSync(index).mtimeMs ? 'editor sources are newer than its build' : undefined;
}

/** Runs the client build in the foreground; resolves false (never throws) when it fails. */
function buildClient(reason: string): Promise<boolean> {
  process.stderr.write(`${reason}: building it (vite build)…\n`);
  return new Promise((resolve) => {
    const child = spawn('npx', ['vite', 'build', '--config', 'client/vite.config.ts'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', () => resolve(false));
    child.on('exit', (code) => resolve(code === 0));
  });
}

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { host: { type: 'string' }, port: { type: 'string' }, verbose: { type: 'boolean' }, redis: { type: 'string' } } });
  const opts = resolveServerOptions({ host: values.host, port: parsePort(values.port ?? process.env.ANELO_PORT), logs: values.verbose ? 'info' : 'warn', redis: values.redis });

  const reason = clientBuildReason(opts.clientDir);
  if (reason && !(await buildClient(reason))) {
    const stale = existsSync(path.join(opts.clientDir, 'index.html')) ? ' the previous build is served' : ' the API still starts';
    process.stderr.write(`warning: the editor could not be built;${stale}. To fix: ${BUILD_HINT}\n`);
  }

  const app = await buildServer(opts);
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (e) {
    await app.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new AneloError('ANELO_E050_BAD_ARGUMENT', `port ${opts.port} on ${opts.host} is in use: pass --port <n> (or set ANELO_PORT)`, { param: 'port' });
    }
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  // The token is printed once, in the address to open (as Jupyter does); the page keeps it in a cookie.
  const tokenPart = opts.accessToken ? `?token=${opts.accessToken}` : '';
  process.stdout.write(`anelo editor: http://${shownHost}:${port}/${tokenPart}\n  data: ${opts.dataDir}\n`);
  if (opts.redis) process.stdout.write(`  renders go to the cluster at ${parseRedisUrl(opts.redis).url} (start \`anelo worker --redis …\` on each machine)\n`);
  process.stdout.write('  press Ctrl+C to stop\n');
  if (opts.accessToken) process.stdout.write(`  bound beyond loopback: every request needs this token (Authorization: Bearer <token> for scripts)\n`);

  return new Promise<number>((resolve) => {
    let closing = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (closing) {
        process.stderr.write(`${signal} again: exiting now\n`);
        removeLiveTempsSync();
        return exitSoon(130);
      }
      closing = true;
      process.stderr.write(`${signal}: stopping (cancelling runs)…\n`);
      // A run that does not stop in time must not keep the server up: temp files go, the process goes.
      setTimeout(() => {
        process.stderr.write('runs did not stop in time: exiting now\n');
        removeLiveTempsSync();
        exitSoon(130);
      }, STOP_GRACE_MS).unref();
      const done = (code: number): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve(code);
      };
      app.close().then(
        () => done(0),
        (e: unknown) => {
          process.stderr.write(`error while stopping: ${(e as Error).message}\n`);
          done(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
