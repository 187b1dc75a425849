/**
 * Graph presets: built-ins (read-only, from the repo's `graphs/`) listed first, then the user's own (one JSON file
 * each in `<dataDir>/presets`). Saves are atomic; renames never overwrite.
 */
import { promises as fs } from 'node:fs';
import { AneloError } from '../../../nodes/core/errors.ts';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { loadGraph, migrateGraph } from '../../engine/load-graph.ts';
import { writeFileAtomic } from '../../fs/write-file-atomic.ts';
import { checkPresetName, resolveInside } from './safe-names.ts';
import { ensureDir } from '../../fs/ensure-dir.ts';

export interface PresetListing {
  name: string;
  builtIn: boolean;
  updatedAt: string;
}

async function listJson(dir: string): Promise<{ name: string; updatedAt: string }[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const out: { name: string; updatedAt: string }[] = [];
  for (const f of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort((a, b) => a.localeCompare(b))) {
    try {
      const st = await fs.stat(`${dir}/${f}`);
      if (st.isFile()) out.push({ name: f.slice(0, -5), updatedAt: st.mtime.toISOString() });
    } catch {
      // removed while listing
    }
  }
  return out;
}

const exists = (file: string): Promise<boolean> => fs.stat(file).then((s) => s.isFile(), () => false);

export class PresetStore {
  constructor(
    readonly builtInDir: string,
    readonly userDir: string,
  ) {}

  async list(): Promise<PresetListing[]> {
    const builtIns = await listJson(this.builtInDir);
    const builtInNames = new Set(builtIns.map((b) => b.name));
    const user = (await listJson(this.userDir)).filter((u) => !builtInNames.has(u.name));
    return [...builtIns.map((b) => ({ ...b, builtIn: true })), ...user.map((u) => ({ ...u, builtIn: false }))];
  }

  /** The preset migrated to the current schema (not validated: the editor shows what no longer fits). */
  async get(name: string): Promise<GraphDocument> {
    const file = (await this.builtInFile(name)) ?? this.userFile(name);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      throw new AneloError('ANELO_E061_PRESET_NOT_FOUND', `no preset named "${name}"`, { param: 'name' });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new AneloError('ANELO_E002_GRAPH_PARSE', `preset "${name}": ${(e as Error).message}`, { param: 'name' });
    }
    return migrateGraph(json, undefined, `${name}.json`);
  }

  /** Validates, then writes atomically; a built-in name is refused ("save as" a new name instead). */
  async save(name: string, doc: unknown): Promise<{ name: string; savedAt: string }> {
    await this.refuseBuiltIn(name);
    const graph = loadGraph(doc);
    await ensureDir(this.userDir);
    await writeFileAtomic(this.userFile(name), `${JSON.stringify(graph, null, 2)}\n`);
    return { name, savedAt: new Date().toISOString() };
  }

  async rename(from: string, to: string): Promise<{ name: string }> {
    await this.refuseBuiltIn(from);
    await this.refuseBuiltIn(to);
    const src = this.userFile(from);
    const dst = this.userFile(to);
    if (!(await exists(src))) throw new AneloError('ANELO_E061_PRESET_NOT_FOUND', `no preset named "${from}"`, { param: 'name' });
    if (from === to) return { name: to };
    // link + unlink: the target appears whole and an existing one is never overwritten (EEXIST).
    try {
      await fs.link(src, dst);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new AneloError('ANELO_E062_PRESET_EXISTS', `a preset named "${to}" already exists`, { param: 'to' });
      throw e;
    }
    await fs.unlink(src);
    return { name: to };
  }

  async remove(name: string): Promise<void> {
    await this.refuseBuiltIn(name);
    try {
      await fs.unlink(this.userFile(name));
    } catch {
      throw new AneloError('ANELO_E061_PRESET_NOT_FOUND', `no preset named "${name}"`, { param: 'name' });
    }
  }

  private userFile(name: string): string {
    return resolveInside(this.userDir, `${checkPresetName(name)}.json`, 'ANELO_E060_PRESET_NAME');
  }

  private async builtInFile(name: string): Promise<string | undefined> {
    const file = resolveInside(this.builtInDir, `${checkPresetName(name)}.json`, 'ANELO_E060_PRESET_NAME');
    return (await exists(file)) ? file : undefined;
  }

  private async refuseBuiltIn(name: string): Promise<void> {
    if (await this.builtInFile(name)) {
      throw new AneloError('ANELO_E063_PRESET_READ_ONLY', `"${name}" is a built-in preset and cannot be changed; save it under a new name`, { param: 'name' });
    }
  }
}
