/**
 * A translation that arrives after its decision version (34 CFR 300.503(c)): the version goes
 * out in English with the Spanish documents withheld (never the team's English under a Spanish
 * label) and the Spanish guardian's delivery marked translation pending; the translations item
 * written later, read from the translations table, yields the Spanish documents under their own
 * ids and their delivery to the Spanish-speaking guardians, once, even when processed again or
 * retried after a crash before its commit marker. Real DynamoDB Local, s3rver, SES emulator.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { DynamoDecisionReader } from '../../functions/adapters/dynamo-decision-reader.ts';
import { DynamoDocumentRecords } from '../../functions/adapters/dynamo-document-records.ts';
import { DynamoOutcomeStore } from '../../functions/adapters/dynamo-outcomes.ts';
import { DynamoTranslations } from '../../functions/adapters/dynamo-translations.ts';
import { S3DocumentStore } from '../../functions/adapters/s3-document-store.ts';
import type { Decision } from '../../functions/core/decision.ts';
import { type TranslationItem, translationKey } from '../../functions/core/translation.ts';
import { checkDecision } from '../../functions/core/validate.ts';
import type { OutcomeStore } from '../../functions/pipeline/ports.ts';
import { RenderTranslation } from '../../functions/pipeline/render-translation.ts';
import { renderDecisionService, signerSubject } from '../../functions/platform/wiring.ts';
import type { DocumentEngine } from '../../functions/render/engine.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { startLocalDelivery } from '../../infra/local/delivery.ts';
import { testEngine } from '../fixtures/engine.ts';
import { testEnvironment } from '../support/environment.ts';
import { sentEmails } from '../support/ses.ts';
import { englishWordsLeft, translatedWordsMissing, wordsOf } from '../support/translated-text.ts';
import { quiet, shippedLocales } from './deliver-support.ts';

const sample = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../samples/translations/${name}`, import.meta.url), 'utf8'));

let engine: DocumentEngine;
let printer: PdfPrinter;
beforeAll(async () => {
  ({ engine, printer } = await testEngine());
}, 120_000);
afterAll(async () => {
  await printer?.close();
});

describe('a translation written after its decision version was processed', () => {
  it('renders the Spanish documents once and delivers them once to the Spanish-speaking guardians', async () => {
    // Prepare: the decision without its translation, the runtime's wiring over the emulators.
    const env = await testEnvironment();
    const { tables } = env.names;
    const db = env.clients.documents;
    const delivery = await startLocalDelivery({
      clients: env.clients,
      names: env.names,
      printer,
      signer: engine.signer,
      queueTable: `${env.prefix}-queue`,
      mailboxUrl: env.endpoints.sesViewerUrl,
      log: quiet,
      visibilityTimeoutMs: 50,
      locales: shippedLocales(['en', 'es']),
    });
    const translations = new DynamoTranslations(db, tables.translations);
    const { service } = await renderDecisionService({
      clients: env.clients,
      tables: { outcomes: tables.outcomes, documents: tables.documents },
      bucket: env.names.buckets.documents,
      renderer: engine,
      signer: engine.signer,
      log: quiet,
      clock: () => new Date(),
      afterDocumentsReady: delivery.afterDocumentsReady,
      translations,
    });
    const raw = sample('transition-v2-es.json');
    raw.decisionId = `${raw.decisionId}-${env.prefix}`;
    for (const g of raw.guardians)
      if (g.email) g.email = `${g.guardianId.toLowerCase()}.${env.prefix}@example.com`;
    await db.put({ TableName: tables.decisions, Item: raw });
    const item: TranslationItem = {
      ...sample('transition-v2-es.translation.json'),
      decisionId: raw.decisionId,
    };
    const ref = { decisionId: raw.decisionId, translationKey: translationKey(1, 'es'), item };
    const outcomes = new DynamoOutcomeStore(db, tables.outcomes);
    let crashBeforeCommit = true;
    // Fault injection over the real store: the first commit marker is lost, as in a crash.
    const crashing: OutcomeStore = Object.create(outcomes, {
      recordTranslated: {
        value: async (...args: Parameters<OutcomeStore['recordTranslated']>) => {
          if (crashBeforeCommit) {
            crashBeforeCommit = false;
            throw new Error('crash before the commit marker');
          }
          return outcomes.recordTranslated(...args);
        },
      },
    });
    const later = (store: OutcomeStore) =>
      new RenderTranslation({
        decisions: new DynamoDecisionReader(db, tables.decisions),
        outcomes: store,
        records: new DynamoDocumentRecords(db, tables.documents),
        store: new S3DocumentStore(env.clients.s3, env.names.buckets.documents),
        renderer: engine,
        queue: delivery.queue,
        districts: loadDistrictDirectory(),
        locales: engine.languages,
        signerName: 'test',
        clock: () => new Date(),
        log: quiet,
      });
    const to = raw.guardians[0].email as string;

    try {
      // Act 1: the version, before any translation.
      const first = await service.process({ decisionId: raw.decisionId, version: 1, item: raw });
      await delivery.drain();

      // Assess 1: English only, the Spanish guardian told the translation is pending.
      expect(first.outcome).toMatchObject({
        outcome: 'documents-ready',
        translationPending: ['es'],
      });
      const english = first.documents.map((d) => d.record);
      expect(english.map((d) => `${d.type}.${d.language}`)).toEqual([
        'iep.en',
        'prior-written-notice.en',
      ]);
      const before = await delivery.deliveriesFor(raw.decisionId, 1);
      expect(before.map((d) => [d.recipientId, d.channel, d.language, d.state])).toEqual([
        ['G-1', 'email', 'es', 'sent'],
        ['G-2', 'postal', 'es', 'pending-mail'],
      ]);
      expect(before[0]?.notes?.[0]).toMatch(
        /^translation pending: es \(requested \d{4}-\d\d-\d\d\)$/,
      );
      expect(await sentEmails({ to })).toHaveLength(1);

      // Act 2: the translation office writes the item; the first attempt crashes before its
      // commit marker, the stream's retry runs it again, then a duplicate record arrives.
      await translations.put(item);
      await expect(later(crashing).process(ref)).rejects.toThrow('crash before the commit marker');
      const retried = await later(outcomes).process(ref);
      const again = await later(outcomes).process(ref);
      await delivery.drain();

      // Assess 2: the Spanish documents, their own ids, the English ones untouched.
      expect(retried.state).toBe('rendered');
      if (retried.state !== 'rendered') return;
      expect(retried.documents.map((d) => `${d.type}.${d.language}`)).toEqual([
        'iep.es',
        'prior-written-notice.es',
      ]);
      expect(retried.recipientIds).toEqual(['G-1', 'G-2']);
      const spanishIds = retried.documents.map((d) => d.documentId);
      expect(spanishIds.some((id) => english.some((d) => d.documentId === id))).toBe(false);
      expect(again).toMatchObject({ state: 'skipped', reason: expect.stringMatching(/already/) });
      const outcome = await outcomes.get(raw.decisionId, 1);
      expect(outcome?.translated).toEqual(['es']);
      expect(outcome?.translationPending).toEqual([]);
      expect(outcome?.documentIds).toEqual([...english.map((d) => d.documentId), ...spanishIds]);
      const records = new DynamoDocumentRecords(db, tables.documents);
      for (const d of english) expect((await records.get(d.documentId))?.sha256).toBe(d.sha256);

      // Once: one more email to the Spanish guardian, one more packet, whatever the retries.
      const after = await delivery.deliveriesFor(raw.decisionId, 1);
      // Sorted: deliveries of one recipient and channel have no order between them.
      const rows = (list: unknown[][]) => list.map((row) => JSON.stringify(row)).sort();
      expect(rows(after.map((d) => [d.recipientId, d.channel, d.state, d.notes ?? []]))).toEqual(
        rows([
          ['G-1', 'email', 'sent', before[0]?.notes],
          ['G-1', 'email', 'sent', []],
          ['G-2', 'postal', 'pending-mail', before[1]?.notes],
          ['G-2', 'postal', 'pending-mail', []],
        ]),
      );
      expect(await sentEmails({ to })).toHaveLength(2);

      // The Spanish documents print the Spanish text and none of the team's English sentences.
      const decision = checked(raw);
      const store = new S3DocumentStore(env.clients.s3, env.names.buckets.documents);
      const printed = new Map<string, Set<string>>();
      for (const d of retried.documents)
        printed.set(d.type, await wordsOf(await store.get(d.s3Key)));
      expect(translatedWordsMissing(decision, item, printed)).toEqual([]);
      expect(englishWordsLeft(decision, item, printed)).toEqual([]);
      // The control: the English IEP does print the team's English.
      const iepEn = english.find((d) => d.type === 'iep');
      const printedEn = new Map([['iep', await wordsOf(await store.get(iepEn?.s3Key as string))]]);
      expect(englishWordsLeft(decision, item, printedEn).length).toBeGreaterThan(10);
    } finally {
      await delivery.stop();
      env.clients.destroy();
    }
  }, 600_000);

  it('rejects an incomplete translation by path, and makes nothing', async () => {
    const env = await testEnvironment();
    const db = env.clients.documents;
    const { tables } = env.names;
    const raw = sample('transition-v2-es.json');
    raw.decisionId = `${raw.decisionId}-${env.prefix}`;
    await db.put({ TableName: tables.decisions, Item: raw });
    const outcomes = new DynamoOutcomeStore(db, tables.outcomes);
    await outcomes.recordOnce({
      decisionId: raw.decisionId,
      version: 1,
      districtId: raw.districtId,
      outcome: 'documents-ready',
      documentIds: [],
      translationPending: ['es'],
      processedAt: new Date().toISOString(),
    });
    const item = { ...sample('transition-v2-es.translation.json'), decisionId: raw.decisionId };
    delete item.texts['iep.goals.G3.baseline'];
    const enqueued: unknown[] = [];
    const service = new RenderTranslation({
      decisions: new DynamoDecisionReader(db, tables.decisions),
      outcomes,
      records: new DynamoDocumentRecords(db, tables.documents),
      store: new S3DocumentStore(env.clients.s3, env.names.buckets.documents),
      renderer: engine,
      queue: { enqueue: async (job) => void enqueued.push(job) },
      districts: loadDistrictDirectory(),
      locales: engine.languages,
      signerName: await signerSubject(engine.signer),
      clock: () => new Date(),
      log: quiet,
    });
    try {
      const result = await service.process({
        decisionId: raw.decisionId,
        translationKey: '1#es',
        item,
      });
      expect(result).toMatchObject({
        state: 'rejected',
        problems: [
          {
            path: 'iep.goals[2].baseline',
            message: 'untranslated into es (unit iep.goals.G3.baseline)',
            cfr: '300.503(c)',
          },
        ],
      });
      const wrongKey = await service.process({
        decisionId: raw.decisionId,
        translationKey: '2#es',
        item: sample('transition-v2-es.translation.json'),
      });
      expect(wrongKey).toMatchObject({ state: 'rejected', problems: [{ path: 'translationKey' }] });
      expect(enqueued).toEqual([]);
      expect((await outcomes.get(raw.decisionId, 1))?.translated).toBeUndefined();
    } finally {
      env.clients.destroy();
    }
  }, 120_000);
});

describe('a version processed before pending languages were withheld', () => {
  it('keeps its Spanish documents as they are and says why, rather than pass them off as translated', async () => {
    const env = await testEnvironment();
    const db = env.clients.documents;
    const { tables } = env.names;
    const raw = sample('transition-v2-es.json');
    raw.decisionId = `${raw.decisionId}-${env.prefix}`;
    await db.put({ TableName: tables.decisions, Item: raw });
    const records = new DynamoDocumentRecords(db, tables.documents);
    const old = {
      documentId: `doc_old_es_${env.prefix}`,
      districtId: raw.districtId,
      decisionId: raw.decisionId,
      version: 1,
      type: 'iep' as const,
      language: 'es',
      rendition: 1,
      s3Key: 'districts/x/old.pdf',
      sha256: '0'.repeat(64),
      htmlSha256: '0'.repeat(64),
      bytes: 1,
      pages: 1,
      signed: true,
      signer: 'test',
      createdAt: new Date().toISOString(),
    };
    await records.putOnce(old);
    const outcomes = new DynamoOutcomeStore(db, tables.outcomes);
    await outcomes.recordOnce({
      decisionId: raw.decisionId,
      version: 1,
      districtId: raw.districtId,
      outcome: 'documents-ready',
      documentIds: [old.documentId],
      translationPending: ['es'],
      processedAt: new Date().toISOString(),
    });
    const enqueued: unknown[] = [];
    const service = new RenderTranslation({
      decisions: new DynamoDecisionReader(db, tables.decisions),
      outcomes,
      records,
      store: new S3DocumentStore(env.clients.s3, env.names.buckets.documents),
      renderer: engine,
      queue: { enqueue: async (job) => void enqueued.push(job) },
      districts: loadDistrictDirectory(),
      locales: engine.languages,
      signerName: 'test',
      clock: () => new Date(),
      log: quiet,
    });
    try {
      const result = await service.process({
        decisionId: raw.decisionId,
        translationKey: '1#es',
        item: { ...sample('transition-v2-es.translation.json'), decisionId: raw.decisionId },
      });
      expect(result).toMatchObject({
        state: 'skipped',
        reason: expect.stringMatching(/not replaced/),
      });
      expect(enqueued).toEqual([]);
      expect((await outcomes.get(raw.decisionId, 1))?.documentIds).toEqual([old.documentId]);
    } finally {
      env.clients.destroy();
    }
  }, 120_000);
});

function checked(raw: unknown): Decision {
  const result = checkDecision(raw);
  if (result.kind !== 'checked') throw new Error(JSON.stringify(result.problems));
  return result.decision;
}
