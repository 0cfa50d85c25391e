import { describe, expect, it } from 'vitest';
import { ensureQueueTable, LocalQueue } from '../../infra/local/local-queue.ts';
import { testEnvironment } from '../support/environment.ts';

/** A queue on fresh tables, with a clock the test moves. */
async function queue(options: { visibilityTimeoutMs?: number; maxReceiveCount?: number } = {}) {
  const env = await testEnvironment();
  const tableName = `${env.prefix}-queue`;
  await ensureQueueTable(env.clients.dynamodb, tableName);
  let now = Date.parse('2026-11-28T10:00:00Z');
  const q = new LocalQueue({
    db: env.clients.documents,
    tableName,
    queueName: 'delivery',
    clock: () => new Date(now),
    ...options,
  });
  return {
    q,
    reopen: () =>
      new LocalQueue({
        db: env.clients.documents,
        tableName,
        queueName: 'delivery',
        clock: () => new Date(now),
        ...options,
      }),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('local delivery queue', () => {
  it('hides a received message until its visibility timeout, then delivers it again with a higher receive count', async () => {
    // Prepare
    const { q, advance } = await queue({ visibilityTimeoutMs: 30_000 });
    await q.send('job-1');

    // Act
    const first = await q.receive();
    const whileHidden = await q.receive();
    advance(30_000);
    const again = await q.receive();

    // Assess
    expect(first.map((m) => [m.body, m.receiveCount])).toEqual([['job-1', 1]]);
    expect(whileHidden).toEqual([]);
    expect(again.map((m) => [m.body, m.receiveCount])).toEqual([['job-1', 2]]);
  });

  it('deletes a message only with its latest receipt handle', async () => {
    const { q, advance } = await queue({ visibilityTimeoutMs: 1_000 });
    await q.send('job-1');
    const [stale] = await q.receive();
    advance(1_000);
    const [latest] = await q.receive();

    const staleDeleted = await q.delete(stale as NonNullable<typeof stale>);
    const latestDeleted = await q.delete(latest as NonNullable<typeof latest>);

    expect(staleDeleted).toBe(false);
    expect(latestDeleted).toBe(true);
    expect(await q.pending()).toEqual({ count: 0 });
  });

  it('moves a message to the dead letters after maxReceiveCount receives, with the last failure reason', async () => {
    const { q, advance } = await queue({ visibilityTimeoutMs: 1_000, maxReceiveCount: 2 });
    await q.send('job-1');
    for (let i = 0; i < 2; i++) {
      const [message] = await q.receive();
      await q.recordFailure(message as NonNullable<typeof message>, `failure ${i + 1}`);
      advance(1_000);
    }

    const afterMax = await q.receive();

    expect(afterMax).toEqual([]);
    expect(await q.pending()).toEqual({ count: 0 });
    expect((await q.deadLetters()).map((d) => [d.body, d.receiveCount, d.lastError])).toEqual([
      ['job-1', 2, 'failure 2'],
    ]);
  });

  it('keeps messages across queue instances (durable in its table)', async () => {
    const { q, reopen } = await queue();
    await q.send('job-1');
    await q.send('job-2');

    const received = await reopen().receive(10);

    expect(received.map((m) => m.body).sort()).toEqual(['job-1', 'job-2']);
  });
});
