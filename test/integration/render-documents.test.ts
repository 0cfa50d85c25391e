import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import type { Decision } from '../../functions/core/decision.ts';
import { documentId } from '../../functions/core/documents.ts';
import { checkDecision } from '../../functions/core/validate.ts';
import { versionInForce } from '../../functions/core/versions.ts';
import { makeRenderDocumentsHandler } from '../../functions/handlers/render-documents.ts';
import type { DocumentRecords, DocumentStore, Log } from '../../functions/pipeline/ports.ts';
import { RenderDecision } from '../../functions/pipeline/render-decision.ts';
import { renderDecisionService } from '../../functions/platform/wiring.ts';
import { DocumentEngine } from '../../functions/render/engine.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { verifyPdf } from '../../functions/render/signing/index.ts';
import { decisionStreamMapping } from '../../infra/local/runtime.ts';
import { StreamPoller } from '../../infra/local/stream-poller.ts';
import { rawSample, sampleDecision } from '../fixtures/decisions.ts';
import { testEngine } from '../fixtures/engine.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let engine: DocumentEngine;
let printer: PdfPrinter;
beforeAll(async () => {
  ({ engine, printer } = await testEngine());
});
afterAll(async () => {
  await printer.close();
});

/** A fresh pipeline on its own tables: the real handler fed by the real stream. */
async function pipeline(
  options: {
    store?: (inner: DocumentStore) => DocumentStore;
    records?: (inner: DocumentRecords) => DocumentRecords;
    /** The printer of the engine (default: the shared warm one). */
    printer?: PdfPrinter;
  } = {},
) {
  const env: TestEnvironment = await testEnvironment();
  const parts = await renderDecisionService({
    clients: env.clients,
    tables: { outcomes: env.names.tables.outcomes, documents: env.names.tables.documents },
    bucket: env.names.buckets.documents,
    renderer: engine,
    signer: engine.signer,
    log: quiet,
    clock: () => new Date(),
  });
  const service =
    options.store || options.records || options.printer
      ? new RenderDecision({
          renderer: options.printer
            ? new DocumentEngine({
                printer: options.printer,
                signer: engine.signer,
                districts: loadDistrictDirectory(),
                clock: () => new Date(),
              })
            : engine,
          outcomes: parts.outcomes,
          records: options.records?.(parts.records) ?? parts.records,
          store: options.store?.(parts.store) ?? parts.store,
          signerName: 'test',
          clock: () => new Date(),
          log: quiet,
        })
      : parts.service;
  const handler = makeRenderDocumentsHandler({ service, outcomes: parts.outcomes, log: quiet });
  // The stream as the runtime and the stack map it; `handler` is the same handler, for replays.
  const poller = decisionStreamMapping({
    clients: env.clients,
    decisionsTable: env.names.tables.decisions,
    service,
    outcomes: parts.outcomes,
    log: quiet,
    retryDelayMs: 0,
  });
  const write = (item: Record<string, unknown>) =>
    env.clients.dynamodb.send(
      new PutItemCommand({
        TableName: env.names.tables.decisions,
        Item: marshall(item, { removeUndefinedValues: true }),
      }),
    );
  const objects = async () =>
    (
      await env.clients.s3.send(new ListObjectsV2Command({ Bucket: env.names.buckets.documents }))
    ).Contents?.map((o) => o.Key ?? '') ?? [];
  return { env, ...parts, service, handler, poller, write, objects };
}

describe('render-documents, fed by the decisions stream', () => {
  let p: Awaited<ReturnType<typeof pipeline>>;
  beforeEach(async () => {
    p = await pipeline();
  });

  it('turns a finalized decision into signed documents in S3, each matching its record', async () => {
    // Prepare
    const decision = rawSample();
    await p.write(decision);

    // Act
    await p.poller.drain();

    // Assess
    const outcome = await p.outcomes.get(decision.decisionId, 1);
    expect(outcome).toMatchObject({ outcome: 'documents-ready', districtId: 'example-usd' });
    expect(outcome?.documentIds).toHaveLength(2);
    for (const id of outcome?.documentIds ?? []) {
      const record = await p.records.get(id);
      expect(record?.s3Key).toMatch(
        new RegExp(
          `^districts/example-usd/decisions/${decision.decisionId}/v1/(iep|prior-written-notice)\\.en\\.pdf$`,
        ),
      );
      const stored = await p.store.get(record?.s3Key ?? '');
      expect(sha256(stored)).toBe(record?.sha256);
      expect(verifyPdf(stored).intact).toBe(true);
      // The record names the certificate that signed the stored file: its serial and issuer.
      const [own] = await engine.signer.certificates();
      const signing = new X509Certificate(own as Uint8Array);
      expect(record?.signerSerial).toBe(signing.serialNumber);
      expect(record?.signerIssuer).toBe(signing.issuer.replace(/\n/g, ', '));
      expect(record?.s3Key).not.toContain(decision.student.studentId);
    }
  });

  it('records a rejected decision with every failed rule and writes no document', async () => {
    const decision = rawSample();
    decision.iep.goals = [];
    decision.priorWrittenNotice.otherFactors = '';
    await p.write(decision);

    await p.poller.drain();

    const outcome = await p.outcomes.get(decision.decisionId, 1);
    expect(outcome?.outcome).toBe('rejected');
    expect(outcome?.problems?.map((x) => [x.path, x.cfr])).toEqual([
      ['iep.goals', '300.320(a)(2)(i)'],
      ['priorWrittenNotice.otherFactors', '300.503(b)(7)'],
    ]);
    expect(await p.objects()).toEqual([]);
  });

  it('rejects a record of the wrong types with the path of each problem', async () => {
    const decision = rawSample();
    decision.iep.goals[0].criteria = 7;
    await p.write(decision);

    await p.poller.drain();

    expect(await p.outcomes.get(decision.decisionId, 1)).toMatchObject({
      outcome: 'rejected',
      problems: [{ path: 'iep.goals[0].criteria', message: expect.any(String) }],
    });
  });

  it('skips drafts and withdrawn versions, saying why', async () => {
    const draft = { ...rawSample(), decisionId: 'draft-1', status: 'draft' };
    const withdrawn = { ...rawSample(), decisionId: 'withdrawn-1', status: 'withdrawn' };
    await p.write(draft);
    await p.write(withdrawn);

    await p.poller.drain();

    expect(await p.outcomes.get('draft-1', 1)).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/^draft/),
    });
    expect(await p.outcomes.get('withdrawn-1', 1)).toMatchObject({
      outcome: 'skipped',
      reason: expect.stringMatching(/^withdrawn/),
    });
    expect(await p.objects()).toEqual([]);
  });

  it('gives a corrected version its own documents and keeps the earlier ones, even out of order', async () => {
    const v1 = rawSample();
    const v2 = rawSample();
    v2.version = 2;
    v2.iep.services[0].frequency.minutes = 300;
    await p.write(v2);
    await p.write(v1);

    await p.poller.drain();

    const versions = await p.outcomes.listVersions(v1.decisionId);
    expect(versionInForce(versions)).toBe(2);
    // v1 arrived after v2 was in force: kept on record, marked superseded (not delivered again).
    expect(versions.find((o) => o.version === 1)?.supersededBy).toBe(2);
    expect(versions.find((o) => o.version === 2)?.supersededBy).toBeUndefined();
    expect(versions.map((o) => [o.version, o.outcome])).toEqual([
      [2, 'documents-ready'],
      [1, 'documents-ready'],
    ]);
    expect((await p.objects()).sort()).toEqual(
      [
        'v1/iep.en.pdf',
        'v1/prior-written-notice.en.pdf',
        'v2/iep.en.pdf',
        'v2/prior-written-notice.en.pdf',
      ].map((k) => `districts/example-usd/decisions/${v1.decisionId}/${k}`),
    );
    expect(await p.records.listForDecision(v1.decisionId)).toHaveLength(4);
  });

  it('makes no second document for a duplicate or replayed stream record', async () => {
    const decision = rawSample();
    await p.write(decision);
    const captured: Parameters<typeof p.handler>[0][] = [];
    const recording = new StreamPoller({
      dynamodb: p.env.clients.dynamodb,
      dynamodbStreams: p.env.clients.dynamodbStreams,
      tableName: p.env.names.tables.decisions,
      handler: async (event, context) => {
        captured.push(event);
        return p.handler(event, context);
      },
    });
    await recording.drain();
    const first = await p.records.listForDecision(decision.decisionId);

    // Act: the same batch twice more, and a duplicate record inside one batch.
    const [event] = captured;
    if (!event) throw new Error('no event captured');
    await p.handler(event);
    await p.handler({ Records: [...event.Records, ...event.Records] });

    const after = await p.records.listForDecision(decision.decisionId);
    expect(after).toEqual(first);
    expect(await p.objects()).toHaveLength(2);
  });

  it('leaves the outcome alone when the district rewrites its item after processing', async () => {
    const decision = rawSample();
    await p.write(decision);
    await p.poller.drain();
    const before = await p.outcomes.get(decision.decisionId, 1);

    await p.write({ ...decision, finalizedAt: '2026-11-21T09:00:00-08:00' });
    await p.poller.drain();

    expect(await p.outcomes.get(decision.decisionId, 1)).toEqual(before);
    expect(await p.objects()).toHaveLength(2);
  });
});

describe('render-documents under failure', () => {
  it('retries a failed S3 write and ends with exactly one document each', async () => {
    // Prepare: the first two puts fail after storing nothing; the third put stores and then fails (lost reply).
    let puts = 0;
    const p = await pipeline({
      store: (inner) => ({
        get: (key) => inner.get(key),
        putOnce: async (key, bytes, options) => {
          puts += 1;
          if (puts === 1) throw new Error('injected: S3 unavailable');
          const result = await inner.putOnce(key, bytes, options);
          if (puts === 2) throw new Error('injected: reply lost after the write');
          return result;
        },
      }),
    });
    const decision = rawSample();
    await p.write(decision);

    // Act
    await p.poller.drain();

    // Assess
    const outcome = await p.outcomes.get(decision.decisionId, 1);
    expect(outcome?.outcome).toBe('documents-ready');
    expect(await p.objects()).toHaveLength(2);
    for (const id of outcome?.documentIds ?? []) {
      const record = await p.records.get(id);
      expect(sha256(await p.store.get(record?.s3Key ?? ''))).toBe(record?.sha256);
    }
  });

  it('dead-letters a record that keeps failing, with its reason, and completes the others', async () => {
    const p = await pipeline({
      store: (inner) => ({
        get: (key) => inner.get(key),
        putOnce: async (key, bytes, options) => {
          if (key.includes('/poison/')) throw new Error('injected: this key always fails');
          return inner.putOnce(key, bytes, options);
        },
      }),
    });
    const good = rawSample();
    const poison = { ...rawSample(), decisionId: 'poison' };
    await p.write(poison);
    await p.write(good);

    await p.poller.drain();

    expect(await p.outcomes.get('poison', 1)).toMatchObject({
      outcome: 'dead-lettered',
      reason: expect.stringContaining('injected: this key always fails'),
    });
    expect(await p.outcomes.get(good.decisionId, 1)).toMatchObject({ outcome: 'documents-ready' });
  });
});

/** The ids of a sample's documents, in the order the engine plans them. */
function plannedIds(name: string | Record<string, unknown>): string[] {
  const decision = typeof name === 'string' ? sampleDecision(name) : checked(name);
  return engine.plan(decision).documents.map((d) => documentId({ ...decision, ...d }));
}

/**
 * A decision with its complete Spanish translation: four documents, English and Spanish (a
 * Spanish set without one is withheld until it arrives: 300.503(c)).
 */
function translatedSample(): Record<string, unknown> {
  const read = (name: string) =>
    JSON.parse(
      readFileSync(new URL(`../../samples/translations/${name}`, import.meta.url), 'utf8'),
    );
  const raw = read('transition-v2-es.json');
  raw.translations = { es: read('transition-v2-es.translation.json').texts };
  return raw;
}

function checked(raw: unknown): Decision {
  const result = checkDecision(raw);
  if (result.kind !== 'checked') throw new Error(JSON.stringify(result.problems));
  return result.decision;
}

/**
 * What the use case does, in order, as a test sees it: `print n begins/ends` (the n-th print),
 * `store n begins/ends` (the record lookup that starts storing the plan's n-th document, and
 * the record write that ends it). The printer prints with the shared warm Chromium.
 */
function timeline(ids: string[]) {
  const events: string[] = [];
  const waiters = new Map<string, () => void>();
  const reachedSoFar = new Set<string>();
  const log = (event: string) => {
    events.push(event);
    reachedSoFar.add(event);
    waiters.get(event)?.();
  };
  let prints = 0;
  const watchedPrinter: PdfPrinter = {
    async print(job) {
      const n = ++prints;
      log(`print ${n} begins`);
      const pdf = await printer.print(job);
      log(`print ${n} ends`);
      return pdf;
    },
    // The shared printer is closed after all tests.
    close: async () => {},
  };
  const nth = (id: string) => ids.indexOf(id) + 1;
  const records = (inner: DocumentRecords): DocumentRecords => ({
    get: (id) => {
      log(`store ${nth(id)} begins`);
      return inner.get(id);
    },
    putOnce: async (record) => {
      const written = await inner.putOnce(record);
      log(`store ${nth(record.documentId)} ends`);
      return written;
    },
    listForDecision: (decisionId) => inner.listForDecision(decisionId),
  });
  return {
    printer: watchedPrinter,
    records,
    /** Where an event happened (it must have happened). */
    at(event: string): number {
      const index = events.indexOf(event);
      if (index < 0) throw new Error(`"${event}" never happened: ${events.join(', ')}`);
      return index;
    },
    /** Resolves once the event has happened. */
    reached(event: string): Promise<void> {
      if (reachedSoFar.has(event)) return Promise.resolve();
      return new Promise((resolve) => waiters.set(event, resolve));
    },
  };
}

describe('render-documents, storing each document while the next one renders', () => {
  it('stores document k while document k+1 renders, with one store in flight at most', async () => {
    // Prepare: four documents (English and Spanish), prints and stores watched.
    const decision = translatedSample() as { decisionId: string };
    const ids = plannedIds(decision);
    const t = timeline(ids);
    const p = await pipeline({ printer: t.printer, records: t.records });

    // Act
    const result = await p.service.process({
      decisionId: decision.decisionId,
      version: 1,
      item: decision,
    });

    // Assess: each store begins before the next print and ends after it began (they overlap);
    // the store before it has ended before the print after it begins (one in flight).
    expect(result.outcome.outcome).toBe('documents-ready');
    expect(ids).toHaveLength(4);
    for (let k = 1; k < 4; k++) {
      expect(t.at(`store ${k} begins`)).toBeLessThan(t.at(`print ${k + 1} begins`));
      expect(t.at(`print ${k + 1} begins`)).toBeLessThan(t.at(`store ${k} ends`));
    }
    for (let k = 1; k < 3; k++)
      expect(t.at(`store ${k} ends`)).toBeLessThan(t.at(`print ${k + 2} begins`));
  });

  it.each([
    { failing: 1, when: 'while the next one renders' },
    { failing: 2, when: 'after the last render' },
  ])(
    'fails the decision when storing document $failing fails $when, and a retry completes it once',
    async ({ failing }) => {
      // Prepare: the failing S3 put stores its object, then loses its reply (once).
      const decision = rawSample();
      const ids = plannedIds('annual-grade4-en');
      const t = timeline(ids);
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      let puts = 0;
      let firstAttemptSha256 = '';
      const p = await pipeline({
        printer: t.printer,
        records: t.records,
        store: (inner) => ({
          get: (key) => inner.get(key),
          putOnce: async (key, bytes, options) => {
            puts += 1;
            const result = await inner.putOnce(key, bytes, options);
            if (puts !== failing) return result;
            firstAttemptSha256 = sha256(bytes);
            // Fail while the next document renders, when there is one.
            if (failing < ids.length) await t.reached(`print ${failing + 1} begins`);
            throw new Error('injected: reply lost after the write');
          },
        }),
      });
      const ref = { decisionId: decision.decisionId, version: 1, item: decision };

      try {
        // Act
        const attempt = await p.service.process(ref).catch((error: unknown) => error);
        const outcomeAfterFailure = await p.outcomes.get(decision.decisionId, 1);
        const retried = await p.service.process(ref);

        // Assess: the failure surfaced and wrote no outcome; the retry completed with one
        // object and one record per document, recording the bytes the first attempt stored.
        expect(attempt).toBeInstanceOf(Error);
        expect((attempt as Error).message).toBe('injected: reply lost after the write');
        expect(outcomeAfterFailure).toBeUndefined();
        expect(retried).toMatchObject({
          alreadyProcessed: false,
          outcome: { outcome: 'documents-ready', documentIds: ids },
        });
        expect(await p.objects()).toHaveLength(2);
        const records = await p.records.listForDecision(decision.decisionId);
        expect(records.map((r) => r.documentId).sort()).toEqual([...ids].sort());
        const failed = records.find((r) => r.documentId === ids[failing - 1]);
        expect(failed?.sha256).toBe(firstAttemptSha256);
        for (const record of records)
          expect(sha256(await p.store.get(record.s3Key))).toBe(record.sha256);
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    },
  );

  it('lets the store in flight finish before a failed render fails the decision', async () => {
    // Prepare: the second print fails while the first document is being stored.
    const decision = rawSample();
    const ids = plannedIds('annual-grade4-en');
    let prints = 0;
    const failingPrinter: PdfPrinter = {
      print: (job) =>
        ++prints === 2 ? Promise.reject(new Error('injected: print failed')) : printer.print(job),
      close: async () => {},
    };
    const p = await pipeline({ printer: failingPrinter });
    const ref = { decisionId: decision.decisionId, version: 1, item: decision };

    // Act
    const attempt = await p.service.process(ref).catch((error: unknown) => error);
    const firstRecord = await p.records.get(ids[0] ?? '');
    const outcomeAfterFailure = await p.outcomes.get(decision.decisionId, 1);
    const retried = await p.service.process(ref);

    // Assess: the render's error surfaced once the first document was on record, and no outcome
    // was written; the retry reused the first document and made the second.
    expect((attempt as Error).message).toBe('injected: print failed');
    expect(firstRecord?.documentId).toBe(ids[0]);
    expect(outcomeAfterFailure).toBeUndefined();
    expect(retried.documents.map((d) => [d.record.documentId, d.state])).toEqual([
      [ids[0], 'unchanged'],
      [ids[1], 'created'],
    ]);
  });

  it("lists the documents in the outcome in the plan's order", async () => {
    // Prepare
    const decision = translatedSample() as { decisionId: string };
    const p = await pipeline();

    // Act
    const result = await p.service.process({
      decisionId: decision.decisionId,
      version: 1,
      item: decision,
    });

    // Assess
    expect(result.documents.map((d) => `${d.record.type}.${d.record.language}`)).toEqual([
      'iep.en',
      'prior-written-notice.en',
      'iep.es',
      'prior-written-notice.es',
    ]);
    expect(result.outcome.documentIds).toEqual(plannedIds(decision));
    expect((await p.outcomes.get(decision.decisionId, 1))?.documentIds).toEqual(
      result.outcome.documentIds,
    );
  });
});
