/**
 * The cold-start cache: a handler whose first build fails (a missing setting, a throttled call)
 * builds again on the next event instead of failing forever on a cached rejection.
 */
import type { SNSEvent, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lazyHandler } from '../../functions/platform/lazy-handler.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('lazyHandler', () => {
  it('builds once and reuses the handler', async () => {
    let builds = 0;
    const handler = lazyHandler(async () => {
      builds += 1;
      return async (event: number) => event * 2;
    });
    expect(await Promise.all([handler(1), handler(2)])).toEqual([2, 4]);
    expect(await handler(3)).toBe(6);
    expect(builds).toBe(1);
  });

  it('builds again after a failed build, then keeps the good one', async () => {
    let builds = 0;
    const handler = lazyHandler(async () => {
      builds += 1;
      if (builds === 1) throw new Error('throttled at cold start');
      return async (event: string) => `ok ${event}`;
    });
    await expect(handler('a')).rejects.toThrow('throttled at cold start');
    expect(await handler('b')).toBe('ok b');
    expect(await handler('c')).toBe('ok c');
    expect(builds).toBe(2);
  });
});

describe("the handlers' cold start (the exported Lambda handlers)", () => {
  it('stream-dead-letter names the missing setting, then starts once it is set', async () => {
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('OUTCOMES_TABLE', '');
    const { handler } = await import('../../functions/handlers/stream-dead-letter.ts');
    const empty: SQSEvent = { Records: [] };
    await expect(handler(empty)).rejects.toThrow('OUTCOMES_TABLE');
    vi.stubEnv('OUTCOMES_TABLE', 'iep-test-outcomes');
    expect(await handler(empty)).toEqual({ batchItemFailures: [] });
  });

  it('delivery-status does the same (it used to keep the first rejection)', async () => {
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('DELIVERIES_TABLE', 'iep-test-deliveries');
    vi.stubEnv('DELIVERY_QUEUE_URL', '');
    const { handler } = await import('../../functions/handlers/delivery-status.ts');
    const empty: SNSEvent = { Records: [] };
    await expect(handler(empty)).rejects.toThrow('DELIVERY_QUEUE_URL');
    vi.stubEnv('DELIVERY_QUEUE_URL', 'https://sqs.us-east-1.amazonaws.com/1/q');
    expect(await handler(empty)).toEqual([]);
  });
});
