/** The `anelo` command line: run graphs, list node types and models, start the editor. */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AneloError, toAneloError } from '../../nodes/core/errors.ts';
import { shippedCatalogue } from '../engine/load-graph.ts';
import { exitSoon } from '../engine/pool/node-pool.ts';
import { asksForHelp, commandHelp, USAGE } from './help.ts';
import { formatReport, runCommand } from './run-command.ts';


export function defaultCacheDir(): string {
  return process.env.ANELO_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'anelo');
}

function printNodes(json: boolean): void {
  const cat = shippedCatalogue();
  if (json) {
    process.stdout.write(`${JSON.stringify(cat, null, 2)}\n`);
    return;
  }
  for (const t of Object.values(cat)) {
    const ins = t.inputs.map((p) => `${p.name}:${p.types.join('|')}${p.optional ? '?' : ''}`).join(', ') || '-';
    const outs = t.outputs.map((p) => `${p.name}:${p.types.join('|')}`).join(', ') || '-';
    process.stdout.write(`${t.type} (v${t.version}) — ${t.description}\n  in: ${ins}   out: ${outs}\n`);
    for (const [name, s] of Object.entries(t.params.properties ?? {})) {
      const range = s.minimum !== undefined || s.maximum !== undefined ? ` [${s.minimum ?? ''}..${s.maximum ?? ''}]` : '';
      const choices = s.anyOf ? ` {${s.anyOf.map((o) => o.const).join('|')}}` : '';
      process.stdout.write(`    ${name} = ${JSON.stringify(s.default)}${range}${choices}  ${s.description ?? s.title ?? ''}\n`);
    }
  }
}

function parseWorkers(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 256) throw new AneloError('ANELO_E050_BAD_ARGUMENT', `--workers takes a whole number 0..256 (0 = main thread only), got "${v}"`, { param: 'workers' });
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const verbose = rest.includes('--verbose');
  try {
    // `anelo run --help`, `anelo help run`: the command's own options, whatever else the line says.
    const helpFor = command === 'help' || command === '--help' || command === '-h' ? rest[0] : command !== undefined && asksForHelp(rest) ? command : undefined;
    if (helpFor !== undefined) {
      const text = commandHelp(helpFor);
      if (!text) throw new AneloError('ANELO_E050_BAD_ARGUMENT', `unknown command "${helpFor}" (try: anelo help)`, {});
      process.stdout.write(text);
      return 0;
    }
    switch (command) {
      case 'run': {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            input: { type: 'string', short: 'i' },
            output: { type: 'string', short: 'o' },
            set: { type: 'string', multiple: true },
            frames: { type: 'string' },
            report: { type: 'string' },
            'cache-dir': { type: 'string' },
            workers: { type: 'string' },
            verbose: { type: 'boolean' },
            quiet: { type: 'boolean', short: 'q' },
            cluster: { type: 'string' },
            'segment-frames': { type: 'string' },
            'min-segment-frames': { type: 'string' },
          },
        });
        if (positionals.length !== 1) throw new AneloError('ANELO_E050_BAD_ARGUMENT', 'anelo run needs exactly one graph file', {});
        const runArgs = {
          graph: positionals[0],
          input: values.input,
          output: values.output,
          set: values.set ?? [],
          frames: values.frames,
          report: values.report,
          cacheDir: values['cache-dir'] ?? defaultCacheDir(),
          workers: values.workers === undefined ? undefined : parseWorkers(values.workers),
          quiet: values.quiet,
        };
        const optionalInt = (v?: string): number | undefined => (v === undefined ? undefined : Number(v));
        const report = values.cluster
          ? await (await import('./cluster-run.ts')).clusterRunCommand({ ...runArgs, cluster: values.cluster, segmentFrames: optionalInt(values['segment-frames']), minSegmentFrames: optionalInt(values['min-segment-frames']) })
          : await runCommand(runArgs);
        process.stdout.write(`${formatReport(report)}\n`);
        return 0;
      }
      case 'nodes':
        printNodes(rest.includes('--json'));
        return 0;
      case 'models': {
        const { modelsCommand } = await import('./models-command.ts');
        return await modelsCommand(rest);
      }
      case 'worker': {
        const { workerCommand } = await import('./worker-command.ts');
        return await workerCommand(rest, defaultCacheDir());
      }
      case 'doctor': {
        const { doctorCommand } = await import('./doctor-command.ts');
        return await doctorCommand(rest, defaultCacheDir());
      }
      case 'serve': {
        const { serveCommand } = await import('./serve-command.ts');
        return await serveCommand(rest);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return 0;
      default:
        throw new AneloError('ANELO_E050_BAD_ARGUMENT', `unknown command "${command}" (try: anelo help)`, {});
    }
  } catch (e) {
    // node:util parseArgs: an unknown flag, a missing value, "--frames -5:10" read as a flag.
    const parseError = String((e as NodeJS.ErrnoException).code ?? '').startsWith('ERR_PARSE_ARGS');
    const err = parseError ? new AneloError('ANELO_E050_BAD_ARGUMENT', `${(e as Error).message} (try: anelo help)`, {}) : toAneloError(e);
    // What and where: node and param always, the file unless the message already names it.
    const file = err.where.file && !err.message.includes(err.where.file) ? `file ${err.where.file}` : undefined;
    const where = [err.where.nodeId && `node ${err.where.nodeId}`, err.where.param && `param ${err.where.param}`, file].filter(Boolean).join(', ');
    process.stderr.write(`\nerror ${err.code}${where ? ` (${where})` : ''}: ${err.message}\n`);
    if (verbose) process.stderr.write(`${(err.cause as Error | undefined)?.stack ?? err.stack}\n`);
    return err.code === 'ANELO_E030_CANCELLED' ? 130 : 1;
  }
}

// `anelo nodes | head`: a reader that stops early is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2));
// A signal while the process winds down (threads and ffmpeg ending after the command returned): exit with the
// command's status once the threads' running work allows. With no listener left, a SIGTERM there ended the process
// with 143, before anything it still had to remove was removed.
const windDown = (): void => exitSoon(Number(process.exitCode ?? 0));
process.on('SIGINT', windDown);
process.on('SIGTERM', windDown);
