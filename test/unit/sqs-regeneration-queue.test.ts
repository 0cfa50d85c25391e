import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  queueRegion,
  SqsRegenerationQueue,
} from '../../functions/adapters/sqs-regeneration-queue.ts';
import { regenerateItemOf } from '../../functions/handlers/regenerate.ts';

const QUEUE_URL = 'https://sqs.us-west-2.amazonaws.com/123456789012/IepDocs-RegenerationQueue';

/** An SQS client answering from a script, keeping every request it was sent. */
function scriptedSqs(answer: (command: unknown, call: number) => unknown = () => ({})) {
  const sent: unknown[] = [];
  const client: Pick<SQSClient, 'send'> = {
    send: (async (command: unknown) => {
      sent.push(command);
      return answer(command, sent.length);
    }) as never,
  };
  return { client, sent };
}

const items = (count: number) =>
  Array.from({ length: count }, (_, i) => ({
    decisionId: `d-${String(i).padStart(3, '0')}`,
    version: 1 + (i % 2),
    jobId: 'regenerate-example-usd-all',
  }));

const entriesOf = (command: unknown) =>
  (command as SendMessageBatchCommand).input.Entries as SendMessageBatchRequestEntry[];

describe('SqsRegenerationQueue', () => {
  it('sends ten messages per SendMessageBatch call, bodies the regenerate handler reads', async () => {
    // Prepare
    const { client, sent } = scriptedSqs();
    const counts: number[] = [];

    // Act
    await new SqsRegenerationQueue(client, QUEUE_URL, { concurrency: 1 }).send(items(23), (n) =>
      counts.push(n),
    );

    // Assess
    expect(sent).toHaveLength(3);
    for (const command of sent) {
      expect(command).toBeInstanceOf(SendMessageBatchCommand);
      expect((command as SendMessageBatchCommand).input.QueueUrl).toBe(QUEUE_URL);
    }
    expect(sent.map((c) => entriesOf(c).length)).toEqual([10, 10, 3]);
    const first = entriesOf(sent[0]);
    expect(new Set(first.map((e) => e.Id)).size).toBe(10);
    expect(JSON.parse(first[1]?.MessageBody as string)).toEqual({
      decisionId: 'd-001',
      version: 2,
      jobId: 'regenerate-example-usd-all',
    });
    const bodies = sent.flatMap(entriesOf).map((e) => e.MessageBody as string);
    expect(bodies.map((body) => regenerateItemOf({ body } as SQSRecord))).toEqual(items(23));
    expect(counts).toEqual([10, 20, 23]);
  });

  it('sends again only the entries SQS refused', async () => {
    const { client, sent } = scriptedSqs((_command, call) =>
      call === 1
        ? { Failed: [{ Id: 'm3', Code: 'InternalError', SenderFault: false, Message: 'retry' }] }
        : {},
    );
    await new SqsRegenerationQueue(client, QUEUE_URL).send(items(5));
    expect(sent).toHaveLength(2);
    expect(entriesOf(sent[1]).map((e) => JSON.parse(e.MessageBody as string).decisionId)).toEqual([
      'd-003',
    ]);
  });

  it('fails naming the messages that could not be sent', async () => {
    const { client, sent } = scriptedSqs(() => ({
      Failed: [{ Id: 'm0', Code: 'InvalidMessageContents', SenderFault: true, Message: 'bad' }],
    }));
    await expect(new SqsRegenerationQueue(client, QUEUE_URL).send(items(2))).rejects.toThrow(
      /1 of 2 regeneration message\(s\) not sent \(InvalidMessageContents: bad\)/,
    );
    // A sender fault fails again however often it is sent.
    expect(sent).toHaveLength(1);
  });

  it('reads how many messages wait and how many are in flight', async () => {
    const { client, sent } = scriptedSqs(() => ({
      Attributes: { ApproximateNumberOfMessages: '7', ApproximateNumberOfMessagesNotVisible: '3' },
    }));
    expect(await new SqsRegenerationQueue(client, QUEUE_URL).depth()).toEqual({
      waiting: 7,
      inFlight: 3,
    });
    expect(sent[0]).toBeInstanceOf(GetQueueAttributesCommand);
    expect((sent[0] as GetQueueAttributesCommand).input).toEqual({
      QueueUrl: QUEUE_URL,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    });
  });
});

describe('queueRegion', () => {
  it('reads the region of an SQS queue URL', () => {
    expect(queueRegion(QUEUE_URL)).toBe('us-west-2');
    expect(queueRegion('https://eu-central-1.queue.amazonaws.com/123456789012/q')).toBe(
      'eu-central-1',
    );
    expect(queueRegion('http://localhost:9324/000000000000/q')).toBeUndefined();
    expect(queueRegion('not a url')).toBeUndefined();
  });
});
