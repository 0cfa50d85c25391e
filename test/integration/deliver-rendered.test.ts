import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo-deliveries.ts';
import { S3DocumentStore } from '../../functions/adapters/s3-document-store.ts';
import { renderDecisionService } from '../../functions/platform/wiring.ts';
import type { DocumentEngine } from '../../functions/render/engine.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { verifyPdf } from '../../functions/render/signing/index.ts';
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
      names: env.names,
      printer,
      signer: engine.signer,
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
      const packetBytes = await new S3DocumentStore(
        env.clients.s3,
        env.names.buckets.documents,
      ).get(postalKey);
      const packet = await PDFDocument.load(packetBytes);
      const evenPages = documents.reduce((sum, d) => sum + d.pages + (d.pages % 2), 0);
      expect(packet.getPageCount()).toBe(2 + evenPages);
      // The packet is an official document too: signed as a whole, tagged, one part per piece.
      const verified = verifyPdf(packetBytes);
      expect(verified.problems).toEqual([]);
      expect(verified.intact).toBe(true);
      const tags = structureOf(packet);
      expect(tags.marked).toBe(true);
      expect(tags.parts).toBe(1 + documents.length);
      expect(tags.unmappedPages).toEqual([]);
      expect(tags.signatureFields).toBe(1);
      const pdfsig = spawnSync('pdfsig', ['-'], { input: '' });
      if (pdfsig.error) {
        console.log('pdfsig is not installed: the packet was checked by verifyPdf only');
      } else {
        const file = join(mkdtempSync(join(tmpdir(), 'packet-')), 'packet.pdf');
        writeFileSync(file, packetBytes);
        const report = spawnSync('pdfsig', [file], { encoding: 'utf8' });
        expect(report.stdout).toContain('Signature is Valid');
        expect(report.stdout).toContain('Total document signed');
        expect(report.stdout.match(/Signature #/g)).toHaveLength(1);
      }
    } finally {
      await delivery.stop();
      env.clients.destroy();
    }
  });
});

/** What a reader of the packet's tags sees: marked, its parts, pages outside the parent tree. */
function structureOf(pdf: PDFDocument) {
  const N = PDFName.of;
  const markInfo = pdf.catalog.lookupMaybe(N('MarkInfo'), PDFDict);
  const root = pdf.catalog.lookup(N('StructTreeRoot'), PDFDict);
  const documentElem = root.lookup(N('K'), PDFDict);
  const parts = documentElem.lookup(N('K'), PDFArray).asArray();
  const nums = root.lookup(N('ParentTree'), PDFDict).lookup(N('Nums'), PDFArray);
  const keys = new Set<number>();
  for (let i = 0; i < nums.size(); i += 2) keys.add((nums.get(i) as PDFNumber).asNumber());
  const unmappedPages = pdf
    .getPages()
    .map((page, i) => ({ i, key: page.node.get(N('StructParents')) }))
    .filter(({ key }) => key instanceof PDFNumber && !keys.has(key.asNumber()))
    .map(({ i }) => i);
  const fields = pdf.catalog
    .lookupMaybe(N('AcroForm'), PDFDict)
    ?.lookupMaybe(N('Fields'), PDFArray);
  return {
    marked: markInfo?.get(N('Marked'))?.toString() === 'true',
    parts: parts.length,
    unmappedPages,
    signatureFields: fields?.size() ?? 0,
  };
}
