import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  deadLetterFile,
  type StreamHandler,
  StreamPoller,
  type StreamPollerOptions,
  type StreamRecordFailure,
} from '../../infra/local/stream-poller.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';

let env: TestEnvironment;
let pollers: StreamPoller[];

beforeEach(async () => {
  env = await testEnvironment();
  pollers = [];
});

afterEach(async () => {
  await Promise.all(pollers.map((poller) => poller.stop()));
  env.clients.destroy();
});

/** Writes a decision version the way a district system does. */
async function putDecision(decisionId: string, version: number, status = 'finalized') {
  await env.clients.documents.put({
    TableName: env.names.tables.decisions,
    Item: { decisionId, version, status },
  });
}

function poller(handler: StreamHandler, options: Partial<StreamPollerOptions> = {}): StreamPoller {
  const created = new StreamPoller({
    dynamodb: env.clients.dynamodb,
    dynamodbStreams: env.clients.dynamodbStreams,
    tableName: env.names.tables.decisions,
    handler,
    retryDelayMs: 0,
    ...options,
  });
  pollers.push(created);
  return created;
}

/** `decisionId#version` of a record's new (or old) image. */
function label(record: DynamoDBRecord): string {
  const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage ?? {};
  return `${image.decisionId?.S}#${image.version?.N}`;
}

/** A handler that records every event it gets and answers with `respond`. */
function recordingHandler(
  respond: (event: DynamoDBStreamEvent, call: number) => DynamoDBBatchResponse | undefined = () =>
    undefined,
) {
  const calls: string[][] = [];
  const handler: StreamHandler = async (event) => {
    calls.push(event.Records.map(label));
    return respond(event, calls.length);
  };
  return { handler, calls };
}

const finalizedOnly = { dynamodb: { NewImage: { status: { S: ['finalized'] } } } };

describe('stream poller filters', () => {
  it('delivers only records whose new image matches the filter', async () => {
    // Prepare
    await putDecision('d-1', 1, 'finalized');
    await putDecision('d-2', 1, 'draft');
    await putDecision('d-3', 1, 'finalized');
    const { handler, calls } = recordingHandler();

    // Act
    await poller(handler, { filters: [finalizedOnly] }).drain();

    // Assess
    expect(calls.flat()).toEqual(['d-1#1', 'd-3#1']);
  });

  it('delivers only the event names listed in the filter', async () => {
    // Prepare
    await putDecision('d-1', 1, 'draft');
    await putDecision('d-1', 1, 'finalized');
    await env.clients.documents.delete({
      TableName: env.names.tables.decisions,
      Key: { decisionId: 'd-1', version: 1 },
    });
    const events: string[] = [];

    // Act
    await poller(
      async (event) => {
        events.push(...event.Records.map((record) => `${record.eventName}:${label(record)}`));
      },
      { filters: [{ eventName: ['MODIFY', 'REMOVE'] }] },
    ).drain();

    // Assess
    expect(events).toEqual(['MODIFY:d-1#1', 'REMOVE:d-1#1']);
  });

  it('hands the handler records shaped like a Lambda DynamoDBStreamEvent', async () => {
    // Prepare
    await putDecision('d-1', 2);
    const records: DynamoDBRecord[] = [];

    // Act
    await poller(async (event) => {
      records.push(...event.Records);
    }).drain();

    // Assess
    const [record] = records;
    expect(record).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: expect.stringContaining(`table/${env.names.tables.decisions}/stream/`),
      dynamodb: {
        Keys: { decisionId: { S: 'd-1' }, version: { N: '2' } },
        NewImage: { decisionId: { S: 'd-1' }, version: { N: '2' }, status: { S: 'finalized' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        ApproximateCreationDateTime: expect.any(Number),
        SequenceNumber: expect.any(String),
      },
    });
  });
});

describe('stream poller batches', () => {
  it('invokes the handler with batches of at most batchSize records, in stream order', async () => {
    // Prepare
    for (let version = 1; version <= 7; version++) await putDecision('d-1', version);
    const { handler, calls } = recordingHandler();

    // Act
    await poller(handler, { batchSize: 3 }).drain();

    // Assess
    expect(calls).toEqual([['d-1#1', 'd-1#2', 'd-1#3'], ['d-1#4', 'd-1#5', 'd-1#6'], ['d-1#7']]);
  });

  it('retries a partial batch failure from the first failed item only', async () => {
    // Prepare
    for (let version = 1; version <= 5; version++) await putDecision('d-1', version);
    const { handler, calls } = recordingHandler((event, call) => {
      // The first call fails items 3 and 5; the retry succeeds.
      if (call > 1) return { batchItemFailures: [] };
      const failed = event.Records.filter((record) => ['d-1#3', 'd-1#5'].includes(label(record)));
      return {
        batchItemFailures: failed.map((record) => ({
          itemIdentifier: record.dynamodb?.SequenceNumber as string,
        })),
      };
    });

    // Act
    await poller(handler, { batchSize: 5 }).drain();

    // Assess
    expect(calls).toEqual([
      ['d-1#1', 'd-1#2', 'd-1#3', 'd-1#4', 'd-1#5'],
      ['d-1#3', 'd-1#4', 'd-1#5'],
    ]);
  });

  it('treats an unknown itemIdentifier as a failure of the whole batch', async () => {
    // Prepare
    await putDecision('d-1', 1);
    await putDecision('d-1', 2);
    const { handler, calls } = recordingHandler((_event, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] } : undefined,
    );

    // Act
    await poller(handler, { bisectBatchOnFunctionError: false }).drain();

    // Assess
    expect(calls).toEqual([
      ['d-1#1', 'd-1#2'],
      ['d-1#1', 'd-1#2'],
    ]);
  });
});

describe('stream poller failures', () => {
  it('sends a record that always throws to onFailure after 1 + maxRetryAttempts attempts, and completes the others', async () => {
    // Prepare
    for (let version = 1; version <= 6; version++) await putDecision('d-1', version);
    const completed: string[] = [];
    let poisonAlone = 0;
    const failures: Array<{ record: string; failure: StreamRecordFailure }> = [];
    const handler: StreamHandler = async (event) => {
      const labels = event.Records.map(label);
      if (labels.includes('d-1#4')) {
        if (labels.length === 1) poisonAlone++;
        throw new Error('renderer crashed');
      }
      completed.push(...labels);
    };

    // Act
    await poller(handler, {
      batchSize: 6,
      maxRetryAttempts: 2,
      onFailure: (record, failure) => {
        failures.push({ record: label(record), failure });
      },
    }).drain();

    // Assess
    expect(failures).toEqual([
      {
        record: 'd-1#4',
        failure: {
          condition: 'RetryAttemptsExhausted',
          attempts: 3,
          lastError: 'renderer crashed',
        },
      },
    ]);
    expect(poisonAlone).toBe(3);
    expect([...new Set(completed)].sort()).toEqual(['d-1#1', 'd-1#2', 'd-1#3', 'd-1#5', 'd-1#6']);
  });

  it('sends a record always reported in batchItemFailures to onFailure, and completes the others', async () => {
    // Prepare
    for (let version = 1; version <= 4; version++) await putDecision('d-1', version);
    const completed: string[] = [];
    const failed: string[] = [];
    const handler: StreamHandler = async (event) => {
      const poison = event.Records.find((record) => label(record) === 'd-1#2');
      completed.push(...event.Records.filter((record) => record !== poison).map(label));
      return {
        batchItemFailures: poison
          ? [{ itemIdentifier: poison.dynamodb?.SequenceNumber as string }]
          : [],
      };
    };

    // Act
    await poller(handler, {
      maxRetryAttempts: 1,
      onFailure: (record) => {
        failed.push(label(record));
      },
    }).drain();

    // Assess
    expect(failed).toEqual(['d-1#2']);
    expect([...new Set(completed)].sort()).toEqual(['d-1#1', 'd-1#3', 'd-1#4']);
  });
});

describe('stream poller dead letters', () => {
  it('writes a record given up to the dead-letter file with its keys and why, not its images', async () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'iep-poller-')), 'dead-letters.jsonl');
    await putDecision('d-7', 1);
    const failing: StreamHandler = async () => {
      throw new Error('template missing');
    };

    // Act
    await poller(failing, { maxRetryAttempts: 0, onFailure: deadLetterFile(file) }).drain();

    // Assess
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        failure: {
          condition: 'RetryAttemptsExhausted',
          attempts: 1,
          lastError: 'template missing',
        },
        eventName: 'INSERT',
        keys: { decisionId: { S: 'd-7' }, version: { N: '1' } },
      }),
    ]);
    expect(lines[0]).not.toContain('finalized');
  });
});

describe('stream poller checkpoints', () => {
  it('resumes after a restart from the checkpoint, without re-delivering processed records', async () => {
    // Prepare
    const checkpointFile = join(mkdtempSync(join(tmpdir(), 'iep-poller-')), 'checkpoints.json');
    await putDecision('d-1', 1);
    await putDecision('d-1', 2);
    const first = recordingHandler();
    await poller(first.handler, { checkpointFile }).drain();
    await putDecision('d-1', 3);
    const second = recordingHandler();

    // Act
    await poller(second.handler, { checkpointFile }).drain();

    // Assess
    expect(first.calls.flat()).toEqual(['d-1#1', 'd-1#2']);
    expect(second.calls.flat()).toEqual(['d-1#3']);
  });

  it('resumes from the failed item when a restart follows a partial batch failure', async () => {
    // Prepare
    const checkpointFile = join(mkdtempSync(join(tmpdir(), 'iep-poller-')), 'checkpoints.json');
    for (let version = 1; version <= 3; version++) await putDecision('d-1', version);
    const onFailure = () => {
      throw new Error('dead-letter store unavailable');
    };
    const failing: StreamHandler = async (event) => ({
      batchItemFailures: event.Records.filter((record) => label(record) !== 'd-1#1').map(
        (record) => ({ itemIdentifier: record.dynamodb?.SequenceNumber as string }),
      ),
    });
    await expect(
      poller(failing, { checkpointFile, maxRetryAttempts: 0, onFailure }).drain(),
    ).rejects.toThrow('dead-letter store unavailable');
    const second = recordingHandler();

    // Act
    await poller(second.handler, { checkpointFile }).drain();

    // Assess
    expect(second.calls.flat()).toEqual(['d-1#2', 'd-1#3']);
  });
});

describe('stream poller polling', () => {
  it('drain resolves only after every record in the stream was handled', async () => {
    // Prepare
    for (let version = 1; version <= 25; version++) await putDecision('d-1', version);
    const { handler, calls } = recordingHandler();

    // Act
    await poller(handler).drain();

    // Assess
    expect(calls.map((batch) => batch.length)).toEqual([10, 10, 5]);
  });

  it('delivers records written after start() until stop()', async () => {
    // Prepare
    const { handler, calls } = recordingHandler();
    const running = poller(handler, { pollIntervalMs: 20 });
    running.start();

    // Act
    await putDecision('d-9', 1);
    await vi.waitFor(() => expect(calls.flat()).toEqual(['d-9#1']), { timeout: 10_000 });
    await running.stop();
    await putDecision('d-9', 2);
    await new Promise((done) => setTimeout(done, 200));

    // Assess
    expect(calls.flat()).toEqual(['d-9#1']);
    await running.drain();
    expect(calls.flat()).toEqual(['d-9#1', 'd-9#2']);
  });
});
