/**
 * The commit marker of a later translation (34 CFR 300.503(c)) on the real outcomes table
 * (DynamoDB Local): the language joins `translated` and leaves `translationPending` in one
 * conditional write, once, also when two languages of one version commit at the same time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoOutcomeStore } from '../../functions/adapters/dynamo-outcomes.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';

let env: TestEnvironment;
let outcomes: DynamoOutcomeStore;

beforeEach(async () => {
  env = await testEnvironment();
  outcomes = new DynamoOutcomeStore(env.clients.documents, env.names.tables.outcomes);
});

afterEach(() => {
  env.clients.destroy();
});

/** A processed version whose documents in `pending` wait for their translations. */
async function processed(decisionId: string, pending: string[]) {
  await outcomes.recordOnce({
    decisionId,
    version: 1,
    districtId: 'example-usd',
    outcome: 'documents-ready',
    documentIds: ['iep-en'],
    translationPending: pending,
    processedAt: '2026-11-20T10:00:00.000Z',
  });
}

describe('recording a later translation on the outcome', () => {
  it('takes the language out of translationPending in the write that marks it translated', async () => {
    // Prepare: Spanish and Chinese pending.
    await processed('d-1', ['es', 'zh']);

    // Act: Spanish arrives, then its record again.
    const first = await outcomes.recordTranslated('d-1', 1, 'es', ['iep-es']);
    const again = await outcomes.recordTranslated('d-1', 1, 'es', ['iep-es']);

    // Assess: recorded once; only Chinese still pending.
    expect([first, again]).toEqual([true, false]);
    expect(await outcomes.get('d-1', 1)).toMatchObject({
      translationPending: ['zh'],
      translated: ['es'],
      documentIds: ['iep-en', 'iep-es'],
    });
  });

  it('leaves nothing pending when the last pending language is translated', async () => {
    await processed('d-2', ['es']);

    expect(await outcomes.recordTranslated('d-2', 1, 'es', ['iep-es'])).toBe(true);

    const outcome = await outcomes.get('d-2', 1);
    expect(outcome?.translationPending).toEqual([]);
    expect(outcome?.translated).toEqual(['es']);
  });

  it('records two languages committed at the same time, each once', async () => {
    // Prepare: three languages pending; two commit concurrently (the list shifts under one).
    await processed('d-3', ['es', 'vi', 'zh']);

    // Act
    const results = await Promise.all([
      outcomes.recordTranslated('d-3', 1, 'zh', ['iep-zh']),
      outcomes.recordTranslated('d-3', 1, 'es', ['iep-es']),
      outcomes.recordTranslated('d-3', 1, 'es', ['iep-es']),
    ]);

    // Assess: zh once, es once; Vietnamese still pending; no document twice.
    expect(results.filter(Boolean)).toHaveLength(2);
    expect(results[0]).toBe(true);
    const outcome = await outcomes.get('d-3', 1);
    expect(outcome?.translationPending).toEqual(['vi']);
    expect([...(outcome?.translated ?? [])].sort()).toEqual(['es', 'zh']);
    expect([...(outcome?.documentIds ?? [])].sort()).toEqual(['iep-en', 'iep-es', 'iep-zh']);
  });

  it('records nothing for a version without an outcome', async () => {
    expect(await outcomes.recordTranslated('d-4', 1, 'es', ['iep-es'])).toBe(false);
    expect(await outcomes.get('d-4', 1)).toBeUndefined();
  });
});
