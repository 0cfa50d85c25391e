/**
 * The responses and response codes tables on DynamoDB Local (functions/adapters/dynamo-responses.ts):
 * answers are append-only, their PDF is set once, and two requests racing on one link's code
 * state cannot both spend it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCodeStore, DynamoResponseStore } from '../../functions/adapters/dynamo-responses.ts';
import { checkCode, NO_CODE, requestCode } from '../../functions/core/response-code.ts';
import type { ResponseRecord } from '../../functions/pipeline/response-ports.ts';
import { responseKey } from '../../functions/pipeline/responses.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';

let env: TestEnvironment;
beforeAll(async () => {
  env = await testEnvironment();
});
afterAll(() => env?.clients.destroy());

const record = (sequence: number, recipientId = 'G-1', version = 1): ResponseRecord => ({
  decisionId: 'dec-1',
  responseKey: responseKey(version, recipientId, sequence),
  responseId: `rsp_${recipientId}_${version}_${sequence}`,
  districtId: 'example-usd',
  version,
  recipientId,
  sequence,
  linkId: 'lnk_1',
  response: 'agree',
  except: [],
  signature: 'Sam Morgan',
  esignConsentVersion: 'esign-1',
  language: 'en',
  signedAt: '2026-12-05T10:00:00.000Z',
  ipHash: 'h',
});

describe('the responses table', () => {
  it('appends once per key, lists one recipient and version in order, and sets the PDF once', async () => {
    const store = new DynamoResponseStore(env.clients.documents, env.names.tables.responses);
    expect(await store.append(record(1))).toBe(true);
    expect(await store.append({ ...record(1), response: 'refuse' })).toBe(false);
    expect(await store.append(record(2))).toBe(true);
    expect(await store.append(record(1, 'G-2'))).toBe(true);
    expect(await store.append(record(1, 'G-1', 2))).toBe(true);

    await store.attachDocument('dec-1', record(1).responseKey, 'doc_first');
    await store.attachDocument('dec-1', record(1).responseKey, 'doc_second');

    const mine = await store.listFor('dec-1', 1, 'G-1');
    expect(mine.map((r) => [r.sequence, r.response, r.documentId ?? null])).toEqual([
      [1, 'agree', 'doc_first'],
      [2, 'agree', null],
    ]);
    expect(await store.listDecision('dec-1')).toHaveLength(4);
  });
});

describe('the response codes table', () => {
  it('lets one of two racing requests spend a state, and reads back what was saved', async () => {
    const codes = new DynamoCodeStore(env.clients.documents, env.names.tables.responseCodes);
    const issued = requestCode(NO_CODE, 1_000, 'hash-A');
    if (!issued.ok) throw new Error('not issued');
    expect(await codes.save('lnk_1', issued.state, NO_CODE, 9_999_999_999)).toBe(true);
    expect(await codes.get('lnk_1')).toEqual(issued.state);

    const wrongA = checkCode(issued.state, 'x', 2_000).state;
    const wrongB = checkCode(issued.state, 'y', 2_001).state;
    const results = await Promise.all([
      codes.save('lnk_1', wrongA, issued.state, 9_999_999_999),
      codes.save('lnk_1', wrongB, issued.state, 9_999_999_999),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await codes.get('lnk_1')).attempts).toBe(1);

    const accepted = checkCode(await codes.get('lnk_1'), 'hash-A', 3_000);
    expect(accepted.outcome).toBe('accepted');
    const current = await codes.get('lnk_1');
    expect(await codes.save('lnk_1', accepted.state, current, 9_999_999_999)).toBe(true);
    // The same accepted code a second time: the stored state moved on (usedAt), so it fails.
    expect(await codes.save('lnk_1', accepted.state, current, 9_999_999_999)).toBe(false);
    expect(await codes.get('missing')).toEqual(NO_CODE);
  });
});
