import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo-deliveries.ts';
import { S3DocumentStore } from '../../functions/adapters/s3-document-store.ts';
import { renderDecisionService } from '../../functions/handlers/wiring.ts';
import type { DocumentEngine } from '../../functions/render/engine.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { startLocalDelivery } from '../../infra/local/delivery.ts';
import { testEngine } from '../fixtures/engine.ts';
import { testEnvironment } from '../support/environment.ts';
import { sentEmails } from '../support/ses.ts';
import { quiet, sha256, testLocales, uniqueDecision } from './deliver-support.ts';

// One engine for the file: real signed PDFs, rendered once.
let engine: DocumentEngine;
let printer: PdfPrinter;
beforeAll(async () => {
  ({ engine, printer } = await testEngine());
});
afterAll(async () => {
  await printer.close();
});

describe('delivery of rendered documents', () => {
  it('delivers what the pipeline rendered: an email whose link serves the signed PDFs, and a postal packet of them', async () => {
    // Prepare: the render-documents use case hands its documents to delivery, as the runtime wires it.
    const env = await testEnvironment();
    const delivery = await startLocalDelivery({
      clients: env.clients,
      tables: env.names.tables,
      bucket: env.names.buckets.documents,
      printer,
      queueTable: `${env.prefix}-queue`,
      mailboxUrl: env.endpoints.sesViewerUrl,
      log: quiet,
      visibilityTimeoutMs: 50,
      locales: testLocales(['en']),
    });
    const { service } = await renderDecisionService({
      clients: env.clients,
      tables: { outcomes: env.names.tables.outcomes, documents: env.names.tables.documents },
      bucket: env.names.buckets.documents,
      renderer: engine,
      signer: engine.signer,
      log: quiet,
      clock: () => new Date(),
      checkBeforePut: true,
      afterDocumentsReady: delivery.afterDocumentsReady,
    });
    const raw = uniqueDecision(env, 'transition-es');
    await env.clients.documents.put({ TableName: env.names.tables.decisions, Item: raw });

    try {
      // Act
      const processed = await service.process({
        decisionId: raw.decisionId,
        version: raw.version,
        item: raw,
      });
      await delivery.drain();

      // Assess
      expect(processed.outcome.outcome).toBe('documents-ready');
      const documents = processed.documents.map((d) => d.record).filter((r) => r.language === 'en');
      const deliveries = await delivery.deliveriesFor(raw.decisionId, raw.version);
      expect(deliveries.map((d) => [d.recipientId, d.channel, d.state])).toEqual([
        ['G-1', 'email', 'sent'],
        ['G-2', 'postal', 'pending-mail'],
      ]);
      expect(await sentEmails({ to: raw.guardians[0].email })).toHaveLength(1);

      const page = await (await fetch(deliveries[0]?.link as string)).text();
      const served: string[] = [];
      for (const [, href] of page.matchAll(/href="([^"]+\/doc_[0-9a-f]+)"/g)) {
        const redirect = await fetch(new URL(href as string, deliveries[0]?.link as string), {
          redirect: 'manual',
        });
        served.push(
          sha256(
            new Uint8Array(
              await (await fetch(redirect.headers.get('location') as string)).arrayBuffer(),
            ),
          ),
        );
      }
      expect(served).toEqual(documents.map((d) => d.sha256));

      const records = await new DynamoDeliveryStore(
        env.clients.documents,
        env.names.tables.deliveries,
      ).listForDecision(raw.decisionId);
      const postalKey = records.find((r) => r.channel === 'postal')?.postalKey as string;
      const packet = await PDFDocument.load(
        await new S3DocumentStore(env.clients.s3, env.names.buckets.documents).get(postalKey),
      );
      const evenPages = documents.reduce((sum, d) => sum + d.pages + (d.pages % 2), 0);
      expect(packet.getPageCount()).toBe(2 + evenPages);
    } finally {
      await delivery.stop();
      env.clients.destroy();
    }
  });
});
