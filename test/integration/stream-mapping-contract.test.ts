/**
 * The one-machine runtime maps the decisions stream with the contract's settings, the ones the
 * stack's event source mapping is built from: a change to the contract's retry count changes
 * how often the local poller tries a failing record.
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DynamoOutcomeStore } from '../../functions/adapters/dynamo-outcomes.ts';
import type { Log } from '../../functions/pipeline/ports.ts';
import type { RenderDecision } from '../../functions/pipeline/render-decision.ts';
import { rawSample } from '../fixtures/decisions.ts';
import { testEnvironment } from '../support/environment.ts';

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** Attempts the local mapping makes on a record that always fails. */
async function attemptsOnAFailingRecord(): Promise<{ attempts: number; outcome: unknown }> {
  const { decisionStreamMapping } = await import('../../infra/local/runtime.ts');
  const env = await testEnvironment();
  const outcomes = new DynamoOutcomeStore(env.clients.documents, env.names.tables.outcomes);
  let attempts = 0;
  // Our own use case's port, failing every time: the poller, the stream and the outcome store
  // are the real ones.
  const service = {
    process: async () => {
      attempts += 1;
      throw new Error('injected: always fails');
    },
  } as unknown as RenderDecision;
  const poller = decisionStreamMapping({
    clients: env.clients,
    decisionsTable: env.names.tables.decisions,
    service,
    outcomes,
    log: quiet,
    retryDelayMs: 0,
  });
  const decision = rawSample();
  await env.clients.dynamodb.send(
    new PutItemCommand({
      TableName: env.names.tables.decisions,
      Item: marshall(decision, { removeUndefinedValues: true }),
    }),
  );
  await poller.drain();
  const outcome = await outcomes.get(String(decision.decisionId), Number(decision.version));
  return { attempts, outcome };
}

describe("the local stream mapping follows the contract's settings", () => {
  afterEach(() => {
    vi.doUnmock('../../functions/contract/streams.ts');
    vi.resetModules();
  });

  it('tries a failing record 1 + the contract’s retryAttempts times, then dead-letters it', async () => {
    const { DECISION_STREAM_MAPPING } = await import('../../functions/contract/streams.ts');
    const { attempts, outcome } = await attemptsOnAFailingRecord();
    expect(attempts).toBe(1 + DECISION_STREAM_MAPPING.retryAttempts);
    expect(outcome).toMatchObject({ outcome: 'dead-lettered' });
  });

  it('retries differently when the contract says so', async () => {
    vi.resetModules();
    vi.doMock('../../functions/contract/streams.ts', async (original) => {
      const real = await original<typeof import('../../functions/contract/streams.ts')>();
      return {
        ...real,
        DECISION_STREAM_MAPPING: { ...real.DECISION_STREAM_MAPPING, retryAttempts: 1 },
      };
    });
    const { attempts } = await attemptsOnAFailingRecord();
    expect(attempts).toBe(2);
  });
});
