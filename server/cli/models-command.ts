/** `anelo models list [--json]`, `anelo models pull <id> [--precision fp32|int8] [--accept-license]`, `anelo models verify`. */
import { parseArgs } from 'node:util';
import { AneloError } from '../../nodes/core/errors.ts';
import { ModelStore, type ModelListEntry } from '../depth/model-store.ts';

function mb(bytes: number | null): string {
  return bytes === null ? '?' : `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

function printList(models: ModelListEntry[]): void {
  for (const m of models) {
    const where = m.installed ? `installed at ${m.path}` : m.localOnly ? 'not installed (local-only: place the file by hand)' : 'not installed';
    process.stdout.write(`${m.id.padEnd(30)} ${m.name}\n  licence: ${m.license}${m.commercialUse ? '' : ' (non-commercial)'}   size: ${mb(m.bytes)}   ${where}\n`);
    for (const v of m.variants.filter((x) => x.file !== m.variants[0]?.file || m.variants.length > 1)) {
      process.stdout.write(`    ${v.precision.padEnd(5)} ${v.file}  ${mb(v.bytes)}  ${v.installed ? v.path : 'not installed'}\n`);
    }
  }
}

export async function modelsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, precision: { type: 'string' }, 'accept-license': { type: 'boolean' }, verbose: { type: 'boolean' } },
  });
  const [sub, id] = positionals;
  const store = new ModelStore();
  switch (sub) {
    case 'list':
    case undefined: {
      const models = store.list();
      if (values.json) process.stdout.write(`${JSON.stringify(models, null, 2)}\n`);
      else printList(models);
      return 0;
    }
    case 'pull': {
      if (!id) throw new AneloError('ANELO_E050_BAD_ARGUMENT', 'anelo models pull needs a model id (see anelo models list)', {});
      const precision = values.precision as 'fp32' | 'int8' | undefined;
      const tty = process.stderr.isTTY;
      let lastPct = -1;
      const file = await store.pull(id, {
        precision,
        acceptLicense: values['accept-license'],
        onProgress: (p) => {
          const pct = p.totalBytes ? Math.floor((100 * p.receivedBytes) / p.totalBytes) : -1;
          if (tty) process.stderr.write(`\rdownloading ${id}: ${mb(p.receivedBytes)} of ${mb(p.totalBytes)}${pct >= 0 ? ` (${pct}%)` : ''}   `);
          else if (pct >= lastPct + 10) {
            lastPct = pct;
            process.stderr.write(`downloading ${id}: ${pct}%\n`);
          }
        },
      });
      if (tty) process.stderr.write('\n');
      process.stdout.write(`${id}: verified and installed at ${file}\n`);
      return 0;
    }
    case 'verify': {
      const results = await store.verify();
      for (const r of results) process.stdout.write(`${r.ok ? 'ok  ' : 'BAD '} ${r.id} ${r.path}${r.ok ? '' : ` (expected sha256 ${r.expected}, file has ${r.actual})`}\n`);
      if (results.length === 0) process.stdout.write(`no model files installed (searched: ${store.dirs.join(', ')})\n`);
      return results.every((r) => r.ok) ? 0 : 1;
    }
    default:
      throw new AneloError('ANELO_E050_BAD_ARGUMENT', `unknown models command "${sub}" (list, pull, verify)`, {});
  }
}
