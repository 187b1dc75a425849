import { describe, expect, it } from 'vitest';
import { hugePages, mallocArenas } from '../../../server/engine/huge-pages.ts';

const onGlibc = mallocArenas({}).glibc;

describe('the allocator settings a process reports', () => {
  it.runIf(onGlibc)('reads the arena count from GLIBC_TUNABLES, among other tunables, and 0 or none as the default', () => {
    expect(mallocArenas({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1' })).toMatchObject({ glibc: true, arenaMax: 1 });
    expect(mallocArenas({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=4' }).arenaMax).toBe(4);
    expect(mallocArenas({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=0' }).arenaMax).toBeUndefined();
    expect(mallocArenas({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' }).arenaMax).toBeUndefined();
    // A tunable whose name only ends the same is not this one.
    expect(mallocArenas({ GLIBC_TUNABLES: 'glibc.malloc.xarena_max=2' }).arenaMax).toBeUndefined();
  });

  it.runIf(onGlibc)('reads how much freed memory malloc keeps only when both thresholds are set, as the launcher sets them', () => {
    const both = mallocArenas({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456' });
    expect(both).toMatchObject({ arenaMax: 1, keepMB: 256 });
    expect(both.why).toMatch(/keeps up to 256 MiB/);
    // glibc turns its dynamic thresholds off for either one, but a trim threshold alone (mmap at 128 KiB) keeps no frames.
    expect(mallocArenas({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=268435456' }).keepMB).toBeUndefined();
    expect(mallocArenas({}).why).toMatch(/goes back to the kernel/);
  });

  it('says huge pages were asked for only when glibc.malloc.hugetlb is 1 or 2', () => {
    expect(hugePages({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=1:glibc.malloc.hugetlb=1' }).requested).toBe(true);
    expect(hugePages({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }).requested).toBe(false);
    expect(hugePages({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=1' }).requested).toBe(false);
  });
});
