/**
 * The allocator settings bin/with-malloc-tunables starts Node with, as this process has them: whether its big buffers
 * sit on transparent huge pages (a render at 1080p allocates hundreds of megabytes of new frames, and each 4 KiB of it
 * costs a page fault on first write otherwise), and how many malloc arenas its threads share. `anelo doctor` and the
 * bench report both, so a figure measured without them says so.
 */
import { readFileSync } from 'node:fs';

export type ThpMode = 'always' | 'madvise' | 'never' | 'unavailable';

export interface HugePages {
  /** The kernel's transparent-huge-page mode (/sys/kernel/mm/transparent_hugepage/enabled). */
  kernel: ThpMode;
  /** glibc's version at run time, when this process runs on glibc. */
  glibc?: string;
  /** GLIBC_TUNABLES asks malloc for huge pages (glibc.malloc.hugetlb=1 or 2). */
  requested: boolean;
  /** Big allocations get huge pages: the kernel gives them to everyone, or glibc asks for them and can. */
  active: boolean;
  /** One line on why, for people. */
  why: string;
}

function kernelMode(): ThpMode {
  try {
    const text = readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8');
    const chosen = /\[(\w+)\]/.exec(text)?.[1];
    return chosen === 'always' || chosen === 'madvise' || chosen === 'never' ? chosen : 'unavailable';
  } catch {
    return 'unavailable';
  }
}

function glibcVersion(): string | undefined {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime;
}

/** glibc.malloc.hugetlb exists from glibc 2.35; older versions ignore the tunable. */
function glibcHasTunable(version: string | undefined): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  return !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 35));
}

/** The value GLIBC_TUNABLES gives a numeric malloc tunable (`glibc.malloc.<name>=N`), if it names it. */
function mallocTunable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return new RegExp(`(?:^|:)glibc\\.malloc\\.${name}=(\\d+)`).exec(env.GLIBC_TUNABLES ?? '')?.[1];
}

export function hugePages(env: NodeJS.ProcessEnv = process.env): HugePages {
  const kernel = kernelMode();
  const glibc = process.platform === 'linux' ? glibcVersion() : undefined;
  const setting = mallocTunable(env, 'hugetlb');
  const requested = setting === '1' || setting === '2';
  if (kernel === 'unavailable' || kernel === 'never') {
    return { kernel, glibc, requested, active: false, why: kernel === 'never' ? 'the kernel has transparent huge pages turned off' : 'this system has no transparent huge pages' };
  }
  if (kernel === 'always') return { kernel, glibc, requested, active: true, why: 'the kernel gives transparent huge pages to every process' };
  if (!requested) {
    return { kernel, glibc, requested, active: false, why: 'started without bin/with-malloc-tunables (npx anelo and npm start use it), or with ANELO_HUGE_PAGES=0' };
  }
  if (!glibcHasTunable(glibc)) return { kernel, glibc, requested, active: false, why: `glibc.malloc.hugetlb needs glibc 2.35 or later (this is ${glibc ?? 'not glibc'})` };
  return { kernel, glibc, requested, active: true, why: 'glibc asks the kernel for them (GLIBC_TUNABLES glibc.malloc.hugetlb)' };
}

export interface MallocArenas {
  /** Whether this process allocates with glibc (the tunable means nothing elsewhere). */
  glibc: boolean;
  /** glibc.malloc.arena_max from GLIBC_TUNABLES; undefined: glibc's default (an arena per thread, up to 8 per core). */
  arenaMax?: number;
  /**
   * MiB of freed memory malloc keeps for reuse (glibc.malloc.trim_threshold with glibc.malloc.mmap_threshold set
   * beside it, as ANELO_MALLOC_KEEP_MB has bin/with-malloc-tunables set them); undefined: glibc's dynamic thresholds.
   */
  keepMB?: number;
  /** One line on what that means here, for people. */
  why: string;
}

/**
 * How many malloc arenas this process's threads share. With one (bin/with-malloc-tunables), the pool's frames come
 * from the main heap, which keeps freed memory for the next frame and gets huge pages; with an arena per thread,
 * frames a collection freed in a batch went back to the system and the next ones faulted page by page again.
 */
export function mallocArenas(env: NodeJS.ProcessEnv = process.env): MallocArenas {
  const setting = mallocTunable(env, 'arena_max');
  if (process.platform !== 'linux' || !glibcVersion()) return { glibc: false, why: 'not glibc: its own allocator' };
  const trim = mallocTunable(env, 'trim_threshold');
  const keepMB = trim !== undefined && mallocTunable(env, 'mmap_threshold') !== undefined ? Number(trim) / 2 ** 20 : undefined;
  const keeps =
    keepMB === undefined
      ? "; freed memory goes back to the kernel as glibc's default thresholds have it (ANELO_MALLOC_KEEP_MB=0, or started without the launcher)"
      : `; keeps up to ${Math.round(keepMB)} MiB of freed memory for reuse (GLIBC_TUNABLES glibc.malloc.trim_threshold, mmap_threshold)`;
  if (setting === undefined || Number(setting) === 0) {
    return { glibc: true, keepMB, why: `glibc's default, an arena per thread (started without bin/with-malloc-tunables, or with ANELO_MALLOC_ARENAS=0)${keeps}` };
  }
  const arenaMax = Number(setting);
  const arenas = arenaMax === 1 ? 'one arena for all threads (GLIBC_TUNABLES glibc.malloc.arena_max=1)' : `${arenaMax} arenas (GLIBC_TUNABLES glibc.malloc.arena_max)`;
  return { glibc: true, arenaMax, keepMB, why: arenas + keeps };
}
