/**
 * Chromium failing under the pipeline: the browser is killed in the middle of a print, or stops
 * answering (a hung page). The decision is retried by the stream, not lost: it ends
 * documents-ready with exactly its documents, on a relaunched browser.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import type { Log } from '../../functions/pipeline/ports.ts';
import { renderDecisionService } from '../../functions/platform/wiring.ts';
import { type ChromiumPrinter, launchPrinter } from '../../functions/render/chromium.ts';
import { DocumentEngine } from '../../functions/render/engine.ts';
import type { PdfPrinter, PrintJob } from '../../functions/render/ports.ts';
import { loadLocalSigner } from '../../functions/render/signing/index.ts';
import { decisionStreamMapping } from '../../infra/local/runtime.ts';
import { rawSample } from '../fixtures/decisions.ts';
import { testEnvironment } from '../support/environment.ts';
import { recordFigure } from './support/figures.ts';

const PART = 'chromium failures';
const quiet: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** The real printer, with a way to hurt its browser once a print has started. */
class SabotagedPrinter implements PdfPrinter {
  sabotage: ((pid: number) => void) | undefined;
  /** Documents whose HTML holds this text never print (a poison record). */
  poison = 'POISON-NEVER-PRINTS';
  prints = 0;
  constructor(readonly inner: ChromiumPrinter) {}
  print(job: PrintJob): Promise<Uint8Array> {
    this.prints++;
    if (job.html.includes(this.poison)) {
      return Promise.reject(new Error('renderer crashed on this document'));
    }
    const printing = this.inner.print(job);
    const hurt = this.sabotage;
    this.sabotage = undefined;
    const pid = this.inner.browserProcessId;
    // Shortly after the print began: the page is loading or printing.
    if (hurt && pid !== undefined) setTimeout(() => hurt(pid), 30);
    return printing;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe('Chromium failing under the pipeline', () => {
  let printer: SabotagedPrinter;
  let engine: DocumentEngine;
  const stopped: number[] = [];

  beforeAll(async () => {
    const signer = await loadLocalSigner({
      devDir: mkdtempSync(join(tmpdir(), 'iep-adv-signer-')),
    });
    printer = new SabotagedPrinter(await launchPrinter({ printTimeoutMs: 5_000 }));
    engine = new DocumentEngine({
      printer,
      signer,
      districts: loadDistrictDirectory(),
      clock: () => new Date(),
    });
  });

  afterAll(async () => {
    for (const pid of stopped) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone: the printer killed it
      }
    }
    await printer?.close();
  });

  async function pipeline() {
    const env = await testEnvironment();
    const parts = await renderDecisionService({
      clients: env.clients,
      tables: { outcomes: env.names.tables.outcomes, documents: env.names.tables.documents },
      bucket: env.names.buckets.documents,
      renderer: engine,
      signer: engine.signer,
      log: quiet,
      clock: () => new Date(),
    });
    const poller = decisionStreamMapping({
      clients: env.clients,
      decisionsTable: env.names.tables.decisions,
      service: parts.service,
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
      (await env.clients.s3.send(new ListObjectsV2Command({ Bucket: env.names.buckets.documents })))
        .Contents ?? [];
    return { ...parts, poller, write, objects };
  }

  it.each([
    [
      'killed in the middle of a print',
      (pid: number): void => {
        process.kill(pid, 'SIGKILL');
      },
    ],
    [
      'hung (stopped) in the middle of a print',
      (pid: number): void => {
        stopped.push(pid);
        process.kill(pid, 'SIGSTOP');
      },
    ],
  ] as const)(
    'retries a decision whose browser was %s, and ends documents-ready',
    async (what, hurt) => {
      // Prepare
      const p = await pipeline();
      const decision = rawSample();
      decision.decisionId = `chromium-${what.split(' ')[0]}`;
      await p.write(decision);
      await printer.print({ html: '<p>warm</p>' });
      const before = printer.inner.browserProcessId;
      printer.sabotage = hurt;

      // Act
      await p.poller.drain();

      // Assess
      const outcome = await p.outcomes.get(decision.decisionId, 1);
      const objects = await p.objects();
      recordFigure({
        name: `decisions lost when the browser was ${what}`,
        value: outcome?.outcome === 'documents-ready' ? 0 : 1,
        equals: 0,
        part: PART,
      });
      expect(outcome?.outcome).toBe('documents-ready');
      expect(outcome?.documentIds).toHaveLength(2);
      expect(objects).toHaveLength(2);
      expect(printer.inner.browserProcessId).not.toBe(before);
    },
  );

  it('dead-letters a record that never prints, with its reason, and completes the rest of its batch', async () => {
    // Prepare
    const p = await pipeline();
    const poison = rawSample();
    poison.decisionId = 'chromium-poison';
    poison.iep.presentLevels.academic = printer.poison;
    const fine = rawSample('amendment-en');
    fine.decisionId = 'chromium-fine';
    await p.write(poison);
    await p.write(fine);

    // Act
    await p.poller.drain();

    // Assess
    const poisoned = await p.outcomes.get('chromium-poison', 1);
    const completed = await p.outcomes.get('chromium-fine', 1);
    recordFigure({
      name: 'records never printing not dead-lettered with their reason',
      value:
        poisoned?.outcome === 'dead-lettered' && /renderer crashed/.test(poisoned.reason ?? '')
          ? 0
          : 1,
      equals: 0,
      part: PART,
    });
    expect(poisoned).toMatchObject({ outcome: 'dead-lettered' });
    expect(poisoned?.reason).toMatch(/renderer crashed/);
    expect(completed?.outcome).toBe('documents-ready');
  });
});
