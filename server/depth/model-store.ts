/**
 * Finds, lists, verifies and downloads depth models. A model is named by a registry id, by the id of a sidecar
 * manifest found in a model folder, or by a path to an `.onnx` file with a sidecar manifest beside it.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AneloError } from '../../nodes/core/errors.ts';
import { FileHashCache } from './file-hash-cache.ts';
import { DownloadTransportError, downloadFile, type DownloadProgress } from './download-file.ts';
import { manualPlacementText } from './model-help-text.ts';
import { PROJECT_MODELS_DIR, modelSearchDirs } from './model-dirs.ts';
import { manifestFiles, parseManifest, type ModelFile, type ModelManifest, type Precision } from './model-manifest.ts';
import { readRegistry } from './model-registry.ts';
import { ensureDir } from '../fs/ensure-dir.ts';

export type PrecisionChoice = 'auto' | Precision;

export interface ModelStoreOptions {
  /** Folders searched in order; default: ANELO_MODELS_DIR entries, then `installDir`. */
  dirs?: string[];
  /** Where `pull` saves files; default the project's `models/` folder. */
  installDir?: string;
  /** Known models; default `models/registry.json`. */
  registry?: ModelManifest[];
  /** Where verified hashes persist; default `<ANELO_CACHE_DIR or ~/.cache/anelo>/model-hashes.json` (never the repo); null: memory only. */
  hashCacheFile?: string | null;
}

export interface ModelVariantStatus {
  precision: Precision;
  file: string;
  bytes: number | null;
  installed: boolean;
  path: string | null;
}

export interface ModelListEntry {
  id: string;
  name: string;
  family: string;
  license: string;
  licenseUrl?: string;
  commercialUse: boolean;
  bytes: number | null;
  sha256?: string;
  url?: string;
  localOnly: boolean;
  source: 'registry' | 'sidecar';
  /** The model's own file is present (size matches where known; `verify` checks the hash). */
  installed: boolean;
  path: string | null;
  variants: ModelVariantStatus[];
}

export interface ResolvedModel {
  manifest: ModelManifest;
  path: string;
  sha256: string;
  precision: Precision;
}

export interface PullOptions {
  precision?: Precision;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Required for models whose licence is not permissive: the caller has shown it and the user agreed. */
  acceptLicense?: boolean;
}

export interface VerifyResult {
  id: string;
  file: string;
  path: string;
  ok: boolean;
  expected: string;
  actual: string;
}

const looksLikePath = (s: string): boolean => s.endsWith('.onnx') || s.includes('/') || s.includes('\\');

export class ModelStore {
  readonly dirs: string[];
  readonly installDir: string;
  /** The search folders ANELO_MODELS_DIR named (none when the folders were given). */
  private readonly envDirs: string[];
  private readonly registry: ModelManifest[];
  readonly hashes: FileHashCache;

  constructor(opts: ModelStoreOptions = {}) {
    this.installDir = path.resolve(opts.installDir ?? PROJECT_MODELS_DIR);
    this.dirs = opts.dirs?.map((d) => path.resolve(d)) ?? modelSearchDirs(process.env, this.installDir);
    this.envDirs = opts.dirs ? [] : modelSearchDirs(process.env, this.installDir).filter((d) => d !== this.installDir);
    this.registry = opts.registry ?? readRegistry();
    const cacheFile = opts.hashCacheFile === undefined ? path.join(process.env.ANELO_CACHE_DIR || path.join(os.homedir(), '.cache', 'anelo'), 'model-hashes.json') : opts.hashCacheFile;
    this.hashes = new FileHashCache(cacheFile);
  }

  /** Every known model (registry first, then sidecar manifests found in the folders), with where it is installed. */
  list(): ModelListEntry[] {
    const registryFiles = new Set(this.registry.flatMap((m) => manifestFiles(m).map((f) => f.sha256)));
    const sidecars = this.sidecars().filter((m) => !this.registry.some((r) => r.id === m.id) && !(m.sha256 && registryFiles.has(m.sha256)));
    return [
      ...this.registry.map((m) => this.describe(m, 'registry' as const)),
      ...sidecars.map((m) => this.describe(m, 'sidecar' as const)),
    ];
  }

  /** Resolves a model id or `.onnx` path to its manifest, file and verified sha256. */
  async resolve(idOrPath: string, precision: PrecisionChoice = 'auto'): Promise<ResolvedModel> {
    if (looksLikePath(idOrPath)) return this.resolvePath(idOrPath);
    const manifest = this.find(idOrPath);
    const file = this.pickFile(manifest, precision);
    const found = this.locate(file);
    if (!found) {
      throw new AneloError(
        'ANELO_E040_MODEL_MISSING',
        `Model "${manifest.id}" (${file.precision}) is not installed. ${manualPlacementText(manifest, file, this.dirs, this.installDir, this.envDirs)}`,
        { param: 'model', file: file.file },
      );
    }
    const sha256 = await this.hashes.sha256(found);
    if (sha256 !== file.sha256) {
      throw new AneloError(
        'ANELO_E043_MODEL_CHECKSUM',
        `${found} has sha256 ${sha256}, but model "${manifest.id}" expects ${file.sha256}. Delete it and pull the model again.`,
        { param: 'model', file: found },
      );
    }
    return { manifest, path: found, sha256, precision: file.precision };
  }

  /** Downloads a model's file (resuming a `.part` left by an earlier try) into `installDir`; returns its path. */
  async pull(id: string, opts: PullOptions = {}): Promise<string> {
    const manifest = this.find(id);
    const file = this.pickFile(manifest, opts.precision ?? 'auto', false);
    const existing = this.locate(file);
    if (existing && (await this.hashes.sha256(existing)) === file.sha256) return existing;
    if (manifest.commercialUse === false || manifest.permissive === false) {
      if (!opts.acceptLicense) {
        throw new AneloError('ANELO_E047_MODEL_LICENSE', `Model "${id}" is licensed "${manifest.license}"${manifest.licenseUrl ? ` (${manifest.licenseUrl})` : ''}; accept the licence to download it`, { param: 'model' });
      }
    }
    if (!file.url) {
      throw new AneloError('ANELO_E044_MODEL_DOWNLOAD', `Model "${id}" has no download URL. ${manualPlacementText(manifest, file, this.dirs, this.installDir, this.envDirs)}`, { param: 'model', file: file.file });
    }
    const dest = path.join(this.installDir, file.file);
    await ensureDir(this.installDir);
    try {
      const sha256 = await downloadFile(file.url, dest, { sha256: file.sha256, onProgress: opts.onProgress, signal: opts.signal });
      await this.hashes.remember(dest, sha256);
      return dest;
    } catch (e) {
      if (!(e instanceof DownloadTransportError)) throw e;
      throw new AneloError(
        'ANELO_E044_MODEL_DOWNLOAD',
        `Could not download ${file.url} (${e.message}). ${manualPlacementText(manifest, file, this.dirs, this.installDir, this.envDirs)}`,
        { param: 'model', file: dest },
        undefined,
        e,
      );
    }
  }

  /** Hashes every installed model file and compares it with its manifest. */
  async verify(): Promise<VerifyResult[]> {
    const out: VerifyResult[] = [];
    for (const m of [...this.registry, ...this.sidecars()]) {
      for (const f of manifestFiles(m)) {
        const p = this.locate(f);
        if (!p || out.some((r) => r.path === p)) continue;
        const actual = await this.hashes.sha256(p);
        out.push({ id: m.id, file: f.file, path: p, ok: actual === f.sha256, expected: f.sha256, actual });
      }
    }
    return out;
  }

  private find(id: string): ModelManifest {
    const m = this.registry.find((r) => r.id === id) ?? this.sidecars().find((r) => r.id === id);
    if (m) return m;
    const known = [...this.registry, ...this.sidecars()].map((r) => r.id);
    throw new AneloError('ANELO_E041_MODEL_UNKNOWN', `Unknown model "${id}". Known models: ${known.join(', ')}; or give a path to an .onnx file with a sidecar .json manifest.`, { param: 'model' });
  }

  /** The file for a precision: 'auto' takes the model's own file when installed, else any installed variant. */
  private pickFile(m: ModelManifest, precision: PrecisionChoice, preferInstalled = true): ModelFile {
    const files = manifestFiles(m);
    if (files.length === 0) throw new AneloError('ANELO_E042_MODEL_MANIFEST', `Manifest of "${m.id}" has no sha256`, { param: 'model' });
    if (precision === 'auto') return (preferInstalled && files.find((f) => this.locate(f))) || files[0];
    const f = files.find((v) => v.precision === precision);
    if (!f) {
      throw new AneloError('ANELO_E041_MODEL_UNKNOWN', `Model "${m.id}" has no ${precision} variant (it has ${files.map((v) => v.precision).join(', ')})`, { param: 'precision' });
    }
    return f;
  }

  /** First folder holding the file with the expected size (when known). */
  private locate(f: ModelFile): string | null {
    for (const d of this.dirs) {
      const p = path.join(d, f.file);
      try {
        const st = statSync(p);
        if (st.isFile() && (f.bytes == null || st.size === f.bytes)) return p;
      } catch {
        // not in this folder
      }
    }
    return null;
  }

  private async resolvePath(given: string): Promise<ResolvedModel> {
    const file = path.resolve(given);
    if (!existsSync(file)) {
      throw new AneloError('ANELO_E040_MODEL_MISSING', `Model file ${file} does not exist`, { param: 'model', file });
    }
    const sha256 = await this.hashes.sha256(file);
    const sidecar = [`${file}.json`, file.replace(/\.onnx$/i, '.json')].find((p) => p !== file && existsSync(p));
    let manifest: ModelManifest | undefined;
    if (sidecar) {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(sidecar, 'utf8'));
      } catch (e) {
        throw new AneloError('ANELO_E042_MODEL_MANIFEST', `the manifest ${sidecar} is not valid JSON (${(e as Error).message}); see docs/models.md for its fields`, { param: 'model', file: sidecar });
      }
      manifest = parseManifest(json, sidecar);
    }
    else manifest = this.registry.find((m) => manifestFiles(m).some((f) => f.sha256 === sha256));
    if (!manifest) {
      throw new AneloError(
        'ANELO_E042_MODEL_MANIFEST',
        `No manifest for ${file}: write ${file}.json (or ${path.basename(file, '.onnx')}.json beside it) describing its input and output; see docs/models.md`,
        { param: 'model', file },
      );
    }
    const expected = manifestFiles(manifest).find((f) => f.sha256 === sha256) ?? (manifest.sha256 ? undefined : null);
    if (expected === undefined) {
      throw new AneloError('ANELO_E043_MODEL_CHECKSUM', `${file} has sha256 ${sha256}, but its manifest ${sidecar} says ${manifest.sha256}`, { param: 'model', file });
    }
    // A sidecar rarely says its precision; the registry knows it when this is one of its files.
    const known = this.registry.flatMap((m) => manifestFiles(m)).find((f) => f.sha256 === sha256);
    const variant = manifest.variants?.find((v) => v.sha256 === sha256);
    return { manifest, path: file, sha256, precision: variant?.precision ?? manifest.precision ?? known?.precision ?? 'fp32' };
  }

  /** Sidecar manifests (`<name>.json` beside `<name>.onnx`, or `<name>.onnx.json`) in the model folders. */
  private sidecars(): ModelManifest[] {
    const out: ModelManifest[] = [];
    for (const d of this.dirs) {
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        continue;
      }
      for (const n of names) {
        if (!n.endsWith('.json') || n === 'registry.json') continue;
        const onnx = n.endsWith('.onnx.json') ? n.slice(0, -5) : n.replace(/\.json$/, '.onnx');
        if (!names.includes(onnx)) continue;
        try {
          const m = parseManifest(JSON.parse(readFileSync(path.join(d, n), 'utf8')), path.join(d, n));
          if (!out.some((o) => o.id === m.id)) out.push({ ...m, file: onnx });
        } catch {
          // An invalid sidecar shows up as ANELO_E042 when its .onnx is used by path; listing skips it.
        }
      }
    }
    return out;
  }

  private describe(m: ModelManifest, source: 'registry' | 'sidecar'): ModelListEntry {
    const files = manifestFiles(m);
    const variants = files.map((f) => {
      const p = this.locate(f);
      return { precision: f.precision, file: f.file, bytes: f.bytes, installed: p !== null, path: p };
    });
    return {
      id: m.id,
      name: m.name,
      family: m.family,
      license: m.license,
      licenseUrl: m.licenseUrl,
      commercialUse: m.commercialUse ?? true,
      bytes: m.bytes ?? null,
      sha256: m.sha256,
      url: m.url,
      localOnly: m.localOnly ?? !m.url,
      source,
      installed: variants[0]?.installed ?? false,
      path: variants[0]?.path ?? null,
      variants,
    };
  }
}
