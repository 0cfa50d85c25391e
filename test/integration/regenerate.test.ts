import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { DynamoRunLedger, findFinalizedDecisions } from '../../functions/adapters/dynamo-runs.ts';
import { DistrictDirectory } from '../../functions/core/district.ts';
import { makeRegenerateHandler } from '../../functions/handlers/regenerate.ts';
import type { DocumentRecord, Log } from '../../functions/pipeline/ports.ts';
import type { RunLedger } from '../../functions/pipeline/regenerate.ts';
import { progressLine, runRegenerationJob } from '../../functions/pipeline/regenerate-job.ts';
import { regenerateService } from '../../functions/platform/regenerate-wiring.ts';
import { renderDecisionService } from '../../functions/platform/wiring.ts';
import type { DocumentEngine } from '../../functions/render/engine.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { verifyPdf } from '../../functions/render/signing/index.ts';
import { rawSample } from '../fixtures/decisions.ts';
import { testEngine } from '../fixtures/engine.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };

let engine: DocumentEngine;
let printer: PdfPrinter;
beforeAll(async () => {
  ({ engine, printer } = await testEngine());
});
afterAll(async () => {
  await printer.close();
});

/** The example district after a change of its letterhead: every document's HTML changes. */
function renamedDistricts(): DistrictDirectory {
  const base = loadDistrictDirectory();
  return new DistrictDirectory(
    base.ids.map((id) => ({ ...base.get(id), name: `${base.get(id).name} (renamed)` })),
  );
}

/** A fresh environment holding `count` finalized decisions, rendered once by the pipeline. */
async function districtWithDecisions(count: number) {
  const env: TestEnvironment = await testEnvironment();
  const { service, records } = await renderDecisionService({
    clients: env.clients,
    tables: { outcomes: env.names.tables.outcomes, documents: env.names.tables.documents },
    bucket: env.names.buckets.documents,
    renderer: engine,
    signer: engine.signer,
    log: quiet,
    clock: () => new Date(),
  });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const raw = rawSample('annual-grade4-en');
    raw.decisionId = `regen-${String(i).padStart(3, '0')}`;
    await env.clients.dynamodb.send(
      new PutItemCommand({
        TableName: env.names.tables.decisions,
        Item: marshall(raw, { removeUndefinedValues: true }),
      }),
    );
    const result = await service.process({ decisionId: raw.decisionId, version: 1, item: raw });
    expect(result.outcome.outcome).toBe('documents-ready');
    ids.push(raw.decisionId);
  }
  const regenerator = (districts = renamedDistricts(), ledger?: RunLedger) =>
    regenerateService({
      clients: env.clients,
      tables: {
        decisions: env.names.tables.decisions,
        documents: env.names.tables.documents,
        runs: env.names.tables.runs,
      },
      bucket: env.names.buckets.documents,
      engine,
      districts,
      log: quiet,
      clock: () => new Date(),
      ledger,
    });
  const items = await findFinalizedDecisions(
    env.clients.documents,
    env.names.tables.outcomes,
    'example-usd',
  );
  const ledger = new DynamoRunLedger(env.clients.documents, env.names.tables.runs);
  return { env, ids, id: ids[0] as string, items, records, regenerator, ledger };
}

const renditionsOf = (records: DocumentRecord[]) =>
  records.map((r) => `${r.type}.${r.language}.r${r.rendition}`).sort();

describe('batch regeneration', () => {
  it('finds the district decisions in force and nothing of other districts', async () => {
    // Prepare
    const { env, ids } = await districtWithDecisions(2);

    // Act
    const found = await findFinalizedDecisions(
      env.clients.documents,
      env.names.tables.outcomes,
      'example-usd',
    );
    const elsewhere = await findFinalizedDecisions(
      env.clients.documents,
      env.names.tables.outcomes,
      'another-district',
    );
    const future = await findFinalizedDecisions(
      env.clients.documents,
      env.names.tables.outcomes,
      'example-usd',
      '2999-01-01',
    );

    // Assess
    expect(found).toEqual(ids.map((decisionId) => ({ decisionId, version: 1 })));
    expect(elsewhere).toEqual([]);
    expect(future).toEqual([]);
  });

  it('creates no rendition when the rendered HTML is unchanged', async () => {
    // Prepare
    const { id, records, regenerator } = await districtWithDecisions(1);
    const service = await regenerator(loadDistrictDirectory());

    // Act
    const result = await service.process({ decisionId: id, version: 1, jobId: 'same' });

    // Assess
    expect(result).toMatchObject({ state: 'done', created: [], unchanged: 2 });
    expect(renditionsOf(await records.listForDecision(id))).toEqual([
      'iep.en.r1',
      'prior-written-notice.en.r1',
    ]);
  });

  it('stores a changed document as a new signed rendition beside the old one', async () => {
    // Prepare
    const { env, id, records, regenerator } = await districtWithDecisions(1);
    const service = await regenerator();

    // Act
    const result = await service.process({ decisionId: id, version: 1, jobId: 'renamed' });

    // Assess
    expect(result.created).toHaveLength(2);
    const all = await records.listForDecision(id);
    expect(renditionsOf(all)).toEqual([
      'iep.en.r1',
      'iep.en.r2',
      'prior-written-notice.en.r1',
      'prior-written-notice.en.r2',
    ]);
    const listed = await env.clients.s3.send(
      new ListObjectsV2Command({ Bucket: env.names.buckets.documents }),
    );
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual(all.map((r) => r.s3Key).sort());
    const second = all.find((r) => r.type === 'iep' && r.rendition === 2) as DocumentRecord;
    expect(second.s3Key).toMatch(/\/v1\/iep\.en\.r2\.pdf$/);
    const object = await env.clients.s3.send(
      new GetObjectCommand({ Bucket: env.names.buckets.documents, Key: second.s3Key }),
    );
    const bytes = await object.Body?.transformToByteArray();
    expect(verifyPdf(bytes as Uint8Array).intact).toBe(true);
  });

  it('resumes an interrupted job and regenerates every decision exactly once', async () => {
    // Prepare
    const { ids, items, records, regenerator, ledger } = await districtWithDecisions(5);
    const service = await regenerator();
    const stop = new AbortController();
    const lines: string[] = [];

    // Act: interrupted after two decisions, then run again under the same job id
    const first = await runRegenerationJob({
      jobId: 'job-1',
      items,
      ledger,
      concurrency: 1,
      process: async (item) => {
        const result = await service.process(item);
        if ((await ledger.finished('job-1')).length >= 2) stop.abort();
        return result;
      },
      signal: stop.signal,
      onProgress: (p) => lines.push(progressLine(p)),
    });
    const second = await runRegenerationJob({
      jobId: 'job-1',
      items,
      ledger,
      concurrency: 2,
      process: (item) => service.process(item),
    });
    const third = await runRegenerationJob({
      jobId: 'job-1',
      items,
      ledger,
      concurrency: 2,
      process: (item) => service.process(item),
    });

    // Assess
    expect(first).toMatchObject({ done: 2, total: 5 });
    expect(lines.at(-1)).toContain('2/5');
    expect(second).toMatchObject({ done: 5, total: 5, resumedFrom: 2, created: 6, failed: 0 });
    expect(third).toMatchObject({ done: 5, resumedFrom: 5, created: 0 });
    expect((await ledger.finished('job-1')).map((e) => e.itemKey).sort()).toEqual(
      ids.map((id) => `${id}#v1`),
    );
    for (const id of ids)
      expect(renditionsOf(await records.listForDecision(id))).toEqual([
        'iep.en.r1',
        'iep.en.r2',
        'prior-written-notice.en.r1',
        'prior-written-notice.en.r2',
      ]);
  });

  it('makes no second rendition when an attempt crashed before its ledger write', async () => {
    // Prepare: the ledger write fails once, after the documents were stored
    const { id, records, regenerator, ledger } = await districtWithDecisions(1);
    let failures = 1;
    const flaky: RunLedger = {
      isDone: (job, key) => ledger.isDone(job, key),
      finished: (job) => ledger.finished(job),
      finishOnce: async (entry) => {
        if (failures-- > 0) throw new Error('connection reset');
        return ledger.finishOnce(entry);
      },
    };
    const service = await regenerator(renamedDistricts(), flaky);
    const item = { decisionId: id, version: 1, jobId: 'crash' };

    // Act
    await expect(service.process(item)).rejects.toThrow('connection reset');
    const retry = await service.process(item);

    // Assess
    expect(retry).toMatchObject({ state: 'done', created: [], unchanged: 2 });
    expect(renditionsOf(await records.listForDecision(id))).toEqual([
      'iep.en.r1',
      'iep.en.r2',
      'prior-written-notice.en.r1',
      'prior-written-notice.en.r2',
    ]);
  });

  it('SQS handler: drops a malformed message and regenerates a redelivered one once', async () => {
    // Prepare
    const { id, records, regenerator } = await districtWithDecisions(1);
    const handler = makeRegenerateHandler({ service: await regenerator(), log: quiet });
    const message = (messageId: string, body: string) =>
      ({ messageId, body }) as unknown as Parameters<typeof handler>[0]['Records'][number];
    const good = JSON.stringify({ decisionId: id, version: 1, jobId: 'sqs' });

    // Act
    const first = await handler({
      Records: [message('a', good), message('b', 'not json'), message('c', good)],
    });

    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(renditionsOf(await records.listForDecision(id))).toEqual([
      'iep.en.r1',
      'iep.en.r2',
      'prior-written-notice.en.r1',
      'prior-written-notice.en.r2',
    ]);
  });

  it('SQS handler: reports the message whose regeneration failed, for SQS to retry', async () => {
    // Prepare
    const { id, regenerator, ledger } = await districtWithDecisions(1);
    const broken: RunLedger = {
      isDone: async () => Promise.reject(new Error('throttled')),
      finishOnce: (entry) => ledger.finishOnce(entry),
      finished: (job) => ledger.finished(job),
    };
    const handler = makeRegenerateHandler({
      service: await regenerator(renamedDistricts(), broken),
      log: quiet,
    });
    const body = JSON.stringify({ decisionId: id, version: 1, jobId: 'sqs-fail' });

    // Act
    const response = await handler({
      Records: [{ messageId: 'm1', body }],
    } as unknown as Parameters<typeof handler>[0]);

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
  });
});
