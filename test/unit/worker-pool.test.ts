import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../infra/local/workers.ts';

const ENTRY = fileURLToPath(new URL('../fixtures/pid-worker.ts', import.meta.url));

type Reply = { pid: number; inFlight: number };

describe('WorkerPool', () => {
  let pool: WorkerPool<{ ms: number }, Reply> | undefined;
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('gives tasks started together a worker each, one task per worker at a time', async () => {
    // Prepare
    pool = await WorkerPool.start<{ ms: number }, Reply>({ entry: ENTRY, count: 2, init: null });

    // Act: started in the same tick, as the bench and regeneration start them.
    const replies = await Promise.all(Array.from({ length: 6 }, () => pool?.run({ ms: 150 })));

    // Assess
    const pids = replies.map((r) => r?.pid);
    expect(new Set(pids)).toEqual(new Set(pool.pids));
    for (const pid of pool.pids) expect(pids.filter((p) => p === pid)).toHaveLength(3);
    expect(replies.every((r) => r?.inFlight === 1)).toBe(true);
  });
});
