/**
 * More of the synthesized bundles, run as Lambda runs them (the harness of bundles.test.ts,
 * the same one synth): render-translations on its translations-stream batch (a translation
 * written after its version went out with Spanish pending: the Spanish documents signed in S3,
 * their delivery job queued, the outcome no longer pending; regenerate then finds them as
 * made, from the translations table), then the download function's
 * response routes on REST API (1.0) requests (the form; a one-time code mailed through SES on
 * a POST carrying the page's CSRF token; the answer posted), and response-follow-up on the
 * answer's responses-stream record (its signed PDF recorded and mailed). And the guard that keeps it so: every function of
 * the template is run by some bundle test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { DynamoDocumentRecords } from '../../functions/adapters/dynamo-document-records.ts';
import { DynamoOutcomeStore } from '../../functions/adapters/dynamo-outcomes.ts';
import { DynamoResponseStore } from '../../functions/adapters/dynamo-responses.ts';
import { DynamoRunLedger } from '../../functions/adapters/dynamo-runs.ts';
import { DynamoTranslations } from '../../functions/adapters/dynamo-translations.ts';
import { translationKey } from '../../functions/core/translation.ts';
import { verifyPdf } from '../../functions/render/signing/index.ts';
import { sentEmails } from '../support/ses.ts';
import { bundleHarness, restRequest, sqsEvent, streamInsert } from './bundle-harness.ts';

const h = bundleHarness();

const sample = (name: string) =>
  JSON.parse(readFileSync(join('samples', 'translations', name), 'utf8'));

describe('the synthesized bundles, run as Lambda runs them (later translations, responses)', () => {
  it('renders a later translation from its stream batch, delivers it, and serves the response routes', async () => {
    // One flow, long on purpose: each bundle takes what the one before it left (the outcome,
    // the queued job, the mailed link), as in AWS.
    // Prepare: the Spanish-speaking family's version, processed by the render bundle before
    // any translation exists (the Spanish documents withheld, the language pending).
    const { env, standIns, run } = h;
    const db = env.clients.documents;
    const { tables } = env.names;
    const raw = sample('transition-v2-es.json');
    raw.decisionId = `${raw.decisionId}-${env.prefix}`;
    for (const g of raw.guardians)
      if (g.email) g.email = `${g.guardianId}.${env.prefix}@example.com`.toLowerCase();
    await db.put({ TableName: tables.decisions, Item: raw });
    const first = await run('RenderDocuments', [
      streamInsert(raw, ['decisionId', 'version'], 'decisions'),
    ]);
    expect(first.results).toEqual([{ batchItemFailures: [] }]);
    const outcomes = new DynamoOutcomeStore(db, tables.outcomes);
    const before = await outcomes.get(raw.decisionId, raw.version);
    expect(before).toMatchObject({ outcome: 'documents-ready', translationPending: ['es'] });

    // Act: the translation office writes the item; its stream record reaches the bundle.
    const item = { ...sample('transition-v2-es.translation.json'), decisionId: raw.decisionId };
    await new DynamoTranslations(db, tables.translations).put(item);
    const { Item: stored } = await db.get({
      TableName: tables.translations,
      Key: { decisionId: raw.decisionId, translationKey: translationKey(item.version, 'es') },
    });
    const translated = await run('RenderTranslations', [
      streamInsert(stored ?? {}, ['decisionId', 'translationKey'], 'translations'),
    ]);

    // Assess: the Spanish documents, signed in S3, on the outcome, and their job queued.
    expect(translated.results).toEqual([{ batchItemFailures: [] }]);
    const after = await outcomes.get(raw.decisionId, raw.version);
    expect(after?.translated).toEqual(['es']);
    expect(after?.translationPending ?? []).toEqual([]);
    const records = new DynamoDocumentRecords(db, tables.documents);
    const added = (after?.documentIds ?? []).filter((id) => !before?.documentIds?.includes(id));
    const spanish = await Promise.all(added.map((id) => records.get(id)));
    expect(spanish.map((r) => `${r?.type}.${r?.language}`).sort()).toEqual([
      'iep.es',
      'prior-written-notice.es',
    ]);
    for (const record of spanish) {
      const object = await env.clients.s3.send(
        new GetObjectCommand({ Bucket: env.names.buckets.documents, Key: record?.s3Key }),
      );
      const pdf = new Uint8Array(await (object.Body?.transformToByteArray() ?? []));
      expect(verifyPdf(pdf), record?.documentId).toMatchObject({ intact: true });
    }
    const job = standIns.sent.find((m) => m.body.includes(`${raw.decisionId}#v1#translation#es`));
    expect(job?.queueUrl).toContain('DeliveryQueue');
    expect(JSON.parse(job?.body ?? '{}').documentIds.sort()).toEqual([...added].sort());

    // Act: the regenerate bundle renders the version again (its SQS message).
    const jobId = `job-${env.prefix}`;
    const regenerate = { decisionId: raw.decisionId, version: raw.version, jobId };
    await run('Regenerate', [sqsEvent('RegenerationQueue', regenerate)]);

    // Assess: the Spanish documents compose as made, from the table's translation: no rendition.
    const [entry] = await new DynamoRunLedger(db, tables.runs).finished(jobId);
    expect(entry).toMatchObject({ created: [], unchanged: 4 });

    // Act: the deliver bundle sends the Spanish documents' link.
    const to = raw.guardians[0].email as string;
    const delivered = await run('DeliverFunction', [sqsEvent('DeliveryQueue', job?.body)]);
    expect(delivered.results).toEqual([{ batchItemFailures: [] }]);
    const [email] = await sentEmails({ to });
    const token = /\/d\/([A-Za-z0-9_-]{43})/.exec(email?.body.text ?? '')?.[1] ?? '';
    expect(token).not.toBe('');

    // Act: the parent opens the response page (GET /d/{token}/respond).
    const respond = `/d/${token}/respond`;
    const page = await run('DownloadFunction', [
      restRequest('GET', '/d/{token}/respond', respond, { pathParameters: { token } }),
    ]);

    // Assess: the form, in Spanish, with its CSRF token.
    const form = page.results[0] as { statusCode: number; body: string };
    expect(form.statusCode, form.body.slice(0, 500)).toBe(200);
    expect(form.body).toContain('lang="es"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    expect(csrf).toMatch(/^\d+\.[A-Za-z0-9_-]+$/);

    // Act: the parent asks for a one-time code (POST /d/{token}/respond/code), and a forged
    // post without the page's token is refused.
    const post = (body: string) =>
      restRequest('POST', '/d/{token}/respond/code', `${respond}/code`, {
        pathParameters: { token },
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      });
    const coded = await run('DownloadFunction', [
      post(new URLSearchParams({ csrf: 'forged' }).toString()),
      post(new URLSearchParams({ csrf }).toString()),
    ]);

    // Assess: refused without the token; with it, the code mailed by SES to the parent's address.
    expect(coded.results[0]).toMatchObject({ statusCode: 403 });
    expect(coded.results[1]).toMatchObject({ statusCode: 200 });
    const mails = await sentEmails({ to });
    expect(mails).toHaveLength(2);
    const code = mails.find((m) => m.messageId !== email?.messageId);
    expect(code?.subject).toMatch(/^Su código de /);
    expect(code?.body.text).toMatch(/Su código de un solo uso es \d{6}\./);

    // Act: the parent answers "agree" with the code (POST /d/{token}/respond); the answer's
    // stream record (an insert, as the mapping filters) reaches the response-follow-up bundle.
    const answer = new URLSearchParams({
      csrf:
        /name="csrf" value="([^"]+)"/.exec((coded.results[1] as { body: string }).body)?.[1] ?? '',
      response: 'agree',
      signature: 'Ana Soto',
      esign: 'yes',
      code: /(\d{6})/.exec(code?.body.text ?? '')?.[1] ?? '',
    });
    const answered = await run('DownloadFunction', [
      restRequest('POST', '/d/{token}/respond', respond, {
        pathParameters: { token },
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: answer.toString(),
      }),
    ]);
    expect(answered.results[0]).toMatchObject({ statusCode: 200 });
    const responses = new DynamoResponseStore(db, tables.responses);
    const [recorded] = await responses.listDecision(raw.decisionId);
    expect(recorded?.documentId).toBeUndefined();
    const followed = await run('ResponseFollowUp', [
      streamInsert({ ...recorded }, ['decisionId', 'responseKey'], 'responses'),
    ]);

    // Assess: the signed Parent response PDF recorded on the answer, the copy mailed with it.
    expect(followed.results).toEqual([{ batchItemFailures: [] }]);
    const after2 = await responses.get(raw.decisionId, recorded?.responseKey ?? '');
    expect(after2?.documentId).toMatch(/^doc_[0-9a-f]{24}$/);
    const copy = (await sentEmails({ to })).find((m) => m.attachments.length === 1);
    const pdf = new Uint8Array(Buffer.from(copy?.attachments[0]?.content ?? '', 'base64'));
    expect(verifyPdf(pdf)).toMatchObject({ intact: true });
  }, 600_000);

  it('runs every function of the template in some bundle test', () => {
    // The functions the bundle test files run, by the names they give `run`.
    const names = readdirSync('test/infra')
      .filter((f) => /^bundles.*\.test\.ts$/.test(f))
      .flatMap((f) =>
        [...readFileSync(join('test/infra', f), 'utf8').matchAll(/\brun\(\s*'(\w+)'/g)].map(
          (m) => m[1] as string,
        ),
      );
    const functions = Object.entries(h.template.Resources).filter(
      ([, r]) => r.Type === 'AWS::Lambda::Function',
    );
    expect(functions.length).toBeGreaterThan(0);
    const untested = functions
      .filter(([id]) => !names.some((name) => id.includes(name)))
      .map(([id, r]) => `${id} (${r.Metadata?.['aws:cdk:path']})`);
    expect(untested, 'functions whose bundle no test runs').toEqual([]);
    // Every name a test runs is one function (lambdaDefinition fails on none or several).
    for (const name of new Set(names)) expect(h.fn(name).logicalId).toContain(name);
  });
});
