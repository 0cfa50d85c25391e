/**
 * Regeneration and the translations table (34 CFR 300.503(c)(1)(ii)): a version whose Spanish
 * translation the translation office wrote to the table is regenerated from it (its Spanish
 * documents compare unchanged, and a new rendition prints the Spanish text, never the team's
 * English); a version still waiting for its translation gets no Spanish document. Real
 * DynamoDB Local and s3rver.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { DynamoTranslations } from '../../functions/adapters/dynamo-translations.ts';
import { S3DocumentStore } from '../../functions/adapters/s3-document-store.ts';
import { DistrictDirectory } from '../../functions/core/district.ts';
import type { TranslationItem } from '../../functions/core/translation.ts';
import { checkDecision } from '../../functions/core/validate.ts';
import type { DocumentRecord, Log } from '../../functions/pipeline/ports.ts';
import { regenerateService } from '../../functions/platform/regenerate-wiring.ts';
import { renderDecisionService } from '../../functions/platform/wiring.ts';
import type { DocumentEngine } from '../../functions/render/engine.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { testEngine } from '../fixtures/engine.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';
import { englishWordsLeft, wordsOf } from '../support/translated-text.ts';

const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };
const sample = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../samples/translations/${name}`, import.meta.url), 'utf8'));

let engine: DocumentEngine;
let printer: PdfPrinter;
let env: TestEnvironment;
beforeAll(async () => {
  ({ engine, printer } = await testEngine());
  env = await testEnvironment();
}, 120_000);
afterAll(async () => {
  await printer?.close();
  env?.clients.destroy();
});

/** The Spanish-speaking family's version under `decisionId`, processed as the stream would. */
async function processed(decisionId: string, translation?: TranslationItem) {
  const { tables } = env.names;
  const translations = new DynamoTranslations(env.clients.documents, tables.translations);
  const raw = { ...sample('transition-v2-es.json'), decisionId };
  await env.clients.documents.put({ TableName: tables.decisions, Item: raw });
  if (translation) await translations.put({ ...translation, decisionId });
  const { service, records } = await renderDecisionService({
    clients: env.clients,
    tables: { outcomes: tables.outcomes, documents: tables.documents },
    bucket: env.names.buckets.documents,
    renderer: engine,
    signer: engine.signer,
    log: quiet,
    clock: () => new Date(),
    translations,
  });
  const result = await service.process({ decisionId, version: 1, item: raw });
  expect(result.outcome.outcome).toBe('documents-ready');
  return { raw, records };
}

/** The regenerate use case over the emulators, reading the translations table. */
const regenerator = (districts: DistrictDirectory) =>
  regenerateService({
    clients: env.clients,
    tables: { ...env.names.tables },
    bucket: env.names.buckets.documents,
    engine,
    districts,
    log: quiet,
    clock: () => new Date(),
  });

/** The example district after a change of its letterhead: every document's HTML changes. */
function renamedDistricts(): DistrictDirectory {
  const base = loadDistrictDirectory();
  return new DistrictDirectory(
    base.ids.map((id) => ({ ...base.get(id), name: `${base.get(id).name} (renamed)` })),
  );
}

const renditionsOf = (records: DocumentRecord[]) =>
  records.map((r) => `${r.type}.${r.language}.r${r.rendition}`).sort();

describe('regeneration of translated versions', () => {
  it('regenerates the Spanish documents from the translations table, in Spanish', async () => {
    // Prepare: the translation in the table, the version rendered with it (Spanish r1).
    const item: TranslationItem = sample('transition-v2-es.translation.json');
    const decisionId = `regen-es-${env.prefix}`;
    const { raw, records } = await processed(decisionId, item);
    expect(renditionsOf(await records.listForDecision(decisionId))).toEqual([
      'iep.en.r1',
      'iep.es.r1',
      'prior-written-notice.en.r1',
      'prior-written-notice.es.r1',
    ]);

    // Act: regenerate with the same profiles, then after a letterhead change.
    const same = await (await regenerator(loadDistrictDirectory())).process({
      decisionId,
      version: 1,
      jobId: `same-${env.prefix}`,
    });
    const renamed = await (await regenerator(renamedDistricts())).process({
      decisionId,
      version: 1,
      jobId: `renamed-${env.prefix}`,
    });

    // Assess: the same HTML as when rendered (the translation read), then every document anew.
    expect(same).toMatchObject({ state: 'done', created: [], unchanged: 4 });
    expect(renamed).toMatchObject({ state: 'done', unchanged: 0 });
    expect(renamed.created).toHaveLength(4);
    const all = await records.listForDecision(decisionId);
    const spanish = all.filter((r) => r.language === 'es' && r.rendition === 2);
    expect(spanish.map((r) => r.type).sort()).toEqual(['iep', 'prior-written-notice']);
    const store = new S3DocumentStore(env.clients.s3, env.names.buckets.documents);
    const printed = new Map<string, Set<string>>();
    for (const r of spanish) printed.set(r.type, await wordsOf(await store.get(r.s3Key)));
    const checked = checkDecision(raw);
    if (checked.kind !== 'checked') throw new Error('the sample does not validate');
    expect(englishWordsLeft(checked.decision, { ...item, decisionId }, printed)).toEqual([]);
  }, 600_000);

  it('makes no Spanish document for a version whose translation is still pending', async () => {
    // Prepare: the version rendered without its translation (Spanish withheld).
    const decisionId = `regen-pending-${env.prefix}`;
    const { records } = await processed(decisionId);

    // Act
    const result = await (await regenerator(renamedDistricts())).process({
      decisionId,
      version: 1,
      jobId: `pending-${env.prefix}`,
    });

    // Assess: the English documents anew; nothing labelled Spanish with the team's English.
    expect(result).toMatchObject({ state: 'done', unchanged: 0 });
    expect(renditionsOf(await records.listForDecision(decisionId))).toEqual([
      'iep.en.r1',
      'iep.en.r2',
      'prior-written-notice.en.r1',
      'prior-written-notice.en.r2',
    ]);
  }, 600_000);
});
