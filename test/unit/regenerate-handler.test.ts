import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { MESSAGE_TIME_MS, makeRegenerateHandler } from '../../functions/handlers/regenerate.ts';
import type { Log } from '../../functions/pipeline/ports.ts';
import type { RegenerateItem } from '../../functions/pipeline/regenerate.ts';

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };

const event = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map(
    (body, i) => ({ messageId: `m-${i + 1}`, body }) as SQSEvent['Records'][number],
  ),
});

const item = (decisionId: string) =>
  JSON.stringify({ decisionId, version: 1, jobId: 'regenerate-example-usd-all' });

/** A use case that records the items it was given and fails the ones named. */
function service(failing: string[] = [], onProcess?: () => void) {
  const processed: string[] = [];
  return {
    processed,
    process: async (i: RegenerateItem) => {
      processed.push(i.decisionId);
      onProcess?.();
      if (failing.includes(i.decisionId)) throw new Error('KMS Sign throttled');
      return { item: i, state: 'done' as const, created: [], unchanged: 1 };
    },
  };
}

const contextWith = (remaining: () => number) =>
  ({ getRemainingTimeInMillis: remaining }) as unknown as Context;

describe('regenerate handler (SQS batch)', () => {
  it('reports only the failed message, so SQS retries it and not the others', async () => {
    const use = service(['d-2']);
    const response = await makeRegenerateHandler({ service: use, log: quiet })(
      event(item('d-1'), item('d-2'), item('d-3')),
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-2' }]);
    expect(use.processed).toEqual(['d-1', 'd-2', 'd-3']);
  });

  it('drops a malformed message, which no retry could fix', async () => {
    const use = service();
    const response = await makeRegenerateHandler({ service: use, log: quiet })(
      event('{"decisionId": 1}', item('d-1')),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(use.processed).toEqual(['d-1']);
  });

  it('returns the messages it has no time left for instead of timing out', async () => {
    // Prepare: enough time for one message only.
    let remaining = MESSAGE_TIME_MS + 5_000;
    const use = service([], () => {
      remaining -= 10_000;
    });

    // Act
    const response = await makeRegenerateHandler({ service: use, log: quiet })(
      event(item('d-1'), item('d-2'), item('d-3')),
      contextWith(() => remaining),
    );

    // Assess
    expect(use.processed).toEqual(['d-1']);
    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'm-2' },
      { itemIdentifier: 'm-3' },
    ]);
  });
});
