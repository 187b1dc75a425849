/** How the services share the machine's cores with the pool. */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { depthThreadPlan } from '../../server/depth/depth-thread.ts';
import { depthCores } from '../../server/services.ts';

describe('depthCores', () => {
  it('gives depth inference the cores the pool is given, so one-thread workers sharing a machine start one depth thread each', () => {
    expect(depthCores(1)).toBe(1);
    expect(depthThreadPlan(depthCores(1))).toEqual({ threads: 1, intraOp: 1 });
    expect(depthCores(0)).toBe(0);
  });

  it('never more than the machine has, however many pool threads are asked for', () => {
    expect(depthCores(1000)).toBe(os.availableParallelism());
  });
});
