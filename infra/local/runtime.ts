/**
 * The one-machine runtime: plays AWS's part around the real handlers. It starts the
 * emulators, creates the same tables and bucket as the stack, writes decisions into the
 * decisions table as a district's system would, and feeds the table's stream to the
 * render-documents handler the way an event source mapping does (the other streams too:
 * stream-mappings.ts; the responses stream with delivery, delivery.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type AwsClients, createAwsClients } from '../../functions/adapters/aws-clients.ts';
import type { DynamoDocumentRecords } from '../../functions/adapters/dynamo-document-records.ts';
import type { DynamoOutcomeStore } from '../../functions/adapters/dynamo-outcomes.ts';
import type { S3DocumentStore } from '../../functions/adapters/s3-document-store.ts';
import type { CliContext } from '../../functions/cli/context.ts';
import { type ResourceNames, resourceNames } from '../../functions/contract/resources.ts';
import { calendarDateIn } from '../../functions/core/dates.ts';
import { documentFileName } from '../../functions/core/documents.ts';
import { versionInForce } from '../../functions/core/versions.ts';
import type { ReminderReport } from '../../functions/pipeline/calendar-ports.ts';
import type { DecisionOutcome, DocumentRecord, Log } from '../../functions/pipeline/ports.ts';
import type { RenderDecision } from '../../functions/pipeline/render-decision.ts';
import type { calendarServices } from '../../functions/platform/calendar-wiring.ts';
import { buildPipeline } from '../../functions/platform/pipeline.ts';
import type { DocumentEngine } from '../../functions/render/engine.ts';
import { type LocalDelivery, profileTrustAnchors, startLocalDelivery } from './delivery.ts';
import { type Emulators, emulatorClientConfig, startEmulators } from './emulators.ts';
import { Failpoint, failpointFromEnv, installFailpoint } from './failpoints.ts';
import { writeInputFiles } from './input-files.ts';
import { uploadSafeguards } from './meetings.ts';

export { decisionStreamMapping } from './decision-stream.ts';
export { runClock } from './run-clock.ts';

import { copyPackets } from './postal-copies.ts';
import { provision } from './provision.ts';
import { runClock } from './run-clock.ts';
import { type PipelineStreams, pipelineStreams } from './stream-mappings.ts';
import type {
  InputError,
  SummaryDecision,
  SummaryDocument,
  SweepReport,
  WrittenDecision,
} from './summary.ts';
import { localCliContext } from './time-stamping-authority.ts';
import { stillPending } from './translations.ts';

export type * from './summary.ts';

export interface RuntimeOptions {
  /** The emulators' state (tables, bucket, stream checkpoints). */
  stateDir: string;
  /** Where local copies of the documents go. */
  outDir: string;
  fresh: boolean;
  log: Log;
  env?: NodeJS.ProcessEnv;
  /**
   * Run as of this calendar date (`--today`): the sweep, delivery and links see a clock that
   * starts at noon UTC of that day (the same date in every US time zone) and runs on from there.
   */
  today?: string;
}

/** The running one-machine pipeline. */
export class LocalRuntime {
  private constructor(
    readonly emulators: Emulators,
    readonly clients: AwsClients,
    readonly names: ResourceNames,
    /** The decisions, meetings and translations streams' pollers. */
    readonly streams: PipelineStreams,
    readonly outcomes: DynamoOutcomeStore,
    readonly records: DynamoDocumentRecords,
    readonly store: S3DocumentStore,
    readonly service: RenderDecision,
    readonly delivery: LocalDelivery,
    readonly calendar: ReturnType<typeof calendarServices>,
    /** Reminders the calendar cancelled in this run (a newer decision, a withdrawal). */
    readonly cancelledReminders: ReminderReport[],
    readonly clock: () => Date,
    private readonly cli: CliContext,
    private readonly options: RuntimeOptions,
  ) {}

  /** Starts the emulators, creates the resources and wires the handler to the stream. */
  static async start(options: RuntimeOptions): Promise<LocalRuntime> {
    const { log } = options;
    const emulators = await startEmulators({ stateDir: options.stateDir, fresh: options.fresh });
    // Closed on a failed start too: a launched Chromium would keep the process alive.
    let cli: CliContext | undefined;
    try {
      const clients = createAwsClients(emulatorClientConfig(emulators.endpoints));
      const names = resourceNames('iep-local');
      await provision(clients, names);
      const clock = runClock(options.today);
      cli = localCliContext(options.env ?? process.env, (line) => log.warn(line), clock);
      const engine = await cli.engine();
      const signer = engine.signer;
      // Crash injection for the adversarial suite, only when IEP_FAILPOINT is set.
      const failpoint = failpointFromEnv(options.env ?? process.env);
      const mailLog = (options.env ?? process.env).IEP_MAIL_LOG || undefined;
      if (failpoint)
        installFailpoint(new Failpoint(failpoint), { clients, signer, names, mailLog });
      const districts = cli.districts;
      const mailboxUrl = emulators.endpoints.sesViewerUrl;
      const run = { clients, names, engine, clock, districts, mailboxUrl };
      const delivery = await startDelivery(options, run);
      // The same pipeline as the Lambda handlers, over the local platform.
      const cancelledReminders: ReminderReport[] = [];
      const pipeline = buildPipeline(delivery.platform, {
        onCancelledReminders: (reminders) => cancelledReminders.push(...reminders),
      });
      const calendar = await pipeline.calendar();
      const { service, outcomes, records, store } = await pipeline.renderDecision();
      await uploadSafeguards({ districts, store, printer: engine.printer, log });
      const streams = await pipelineStreams(pipeline, {
        clients,
        names,
        stateDir: options.stateDir,
        log,
        render: { service, outcomes },
      });
      return new LocalRuntime(
        emulators,
        clients,
        names,
        streams,
        outcomes,
        records,
        store,
        service,
        delivery,
        calendar,
        cancelledReminders,
        clock,
        cli,
        options,
      );
    } catch (error) {
      await cli?.close();
      await emulators.stop();
      throw error;
    }
  }

  /**
   * Writes each file's decision into the decisions table, as a district's system would.
   * A file that is not a JSON object with a decision's key is an input error, written nowhere.
   */
  async writeDecisions(
    files: readonly string[],
  ): Promise<{ written: WrittenDecision[]; inputErrors: InputError[] }> {
    return writeInputFiles(this.clients, this.names, files);
  }

  /** Processes everything in the stream, then every delivery job it queued. */
  async drain(): Promise<void> {
    for (const poller of Object.values(this.streams)) await poller.drain();
    await this.delivery.drain();
  }

  /** Polls every stream continuously until stop() (delivery is drained by the caller's loop). */
  startStreams(): void {
    for (const poller of Object.values(this.streams)) poller.start();
  }

  /**
   * Runs the daily sweep of every district as of the run's today (each in its own time zone),
   * then delivers the notices it queued.
   */
  async sweep(): Promise<SweepReport> {
    const report: SweepReport = { reminders: [], overdue: [], lateNotices: [] };
    for (const districtId of this.cli.districts.ids) {
      const { timeZone } = this.cli.districts.get(districtId);
      const today = this.options.today ?? calendarDateIn(this.clock(), timeZone);
      const result = await this.calendar.sweep.runSweep({ districtId, today });
      report.reminders.push(...result.reminders);
      report.overdue.push(...result.overdue);
      report.lateNotices.push(...result.lateNotices);
    }
    await this.delivery.drain();
    report.reminders.push(...this.cancelledReminders);
    return report;
  }

  /** What became of each written decision; documents are copied under out/. */
  async summarize(
    written: readonly WrittenDecision[],
    runStartedAt: Date,
  ): Promise<SummaryDecision[]> {
    const decisions: SummaryDecision[] = [];
    for (const w of written) {
      const outcome = await this.outcomes.get(w.decisionId, w.version);
      const inForce = versionInForce(await this.outcomes.listVersions(w.decisionId)) === w.version;
      const deliveries =
        outcome?.outcome === 'documents-ready'
          ? await copyPackets(await this.delivery.deliveriesFor(w.decisionId, w.version), {
              store: this.store,
              outDir: this.options.outDir,
              s3Uri: (key) => this.s3Uri(key),
            })
          : [];
      decisions.push({
        file: w.file,
        decisionId: w.decisionId,
        version: w.version,
        outcome: outcome?.outcome ?? 'pending',
        ...(outcome?.reason ? { reason: outcome.reason } : {}),
        problems: outcome?.problems ?? [],
        translationNeeded: outcome?.translationNeeded ?? [],
        flags: outcome?.flags ?? [],
        translationPending: stillPending(outcome),
        inForce,
        ...(outcome?.withdrawnAt ? { withdrawnAt: outcome.withdrawnAt } : {}),
        documents: outcome ? await this.documentsOf(outcome, runStartedAt) : [],
        deliveries: deliveries.filter((d) => d.kind === 'decision-documents'),
        notices: deliveries.filter((d) => d.kind !== 'decision-documents'),
      });
    }
    return decisions;
  }

  private async documentsOf(
    outcome: DecisionOutcome,
    runStartedAt: Date,
  ): Promise<SummaryDocument[]> {
    const documents: SummaryDocument[] = [];
    for (const id of outcome.documentIds ?? []) {
      const record = await this.records.get(id);
      if (!record) continue;
      documents.push({
        documentId: record.documentId,
        type: record.type,
        language: record.language,
        s3Key: record.s3Key,
        s3Uri: this.s3Uri(record.s3Key),
        sha256: record.sha256,
        bytes: record.bytes,
        pages: record.pages,
        state: new Date(record.createdAt) >= runStartedAt ? 'created' : 'unchanged',
        localPath: await this.copyOut(record),
      });
    }
    return documents;
  }

  /** Copies a stored document to out/<decisionId>/v<version>/<type>.<language>.pdf. */
  private async copyOut(record: DocumentRecord): Promise<string> {
    const dir = resolve(this.options.outDir, record.decisionId, `v${record.version}`);
    await mkdir(dir, { recursive: true });
    const path = join(dir, documentFileName(record.type, record.language));
    await writeFile(path, await this.store.get(record.s3Key));
    return path;
  }

  /** `s3://<bucket>/<key>` of the local documents bucket. */
  s3Uri(key: string): string {
    return `s3://${this.names.buckets.documents}/${key}`;
  }

  /** Stops polling, the browser and the emulators. */
  async stop(): Promise<void> {
    for (const poller of Object.values(this.streams)) await poller.stop();
    await this.delivery.stop();
    await this.cli.close();
    this.clients.destroy();
    await this.emulators.stop();
  }
}

/** Local delivery (its queue, the mailbox, links, the responses stream) for a starting run. */
function startDelivery(
  options: RuntimeOptions,
  run: {
    mailboxUrl: string;
    clients: AwsClients;
    names: ResourceNames;
    engine: DocumentEngine;
    clock: () => Date;
    districts: CliContext['districts'];
  },
): Promise<LocalDelivery> {
  const { clients, names, engine, clock, districts, mailboxUrl } = run;
  return startLocalDelivery({
    clients,
    names,
    printer: engine.printer,
    signer: engine.signer,
    ...(engine.trust ? { trust: engine.trust } : {}),
    queueTable: 'iep-local-queue',
    mailboxUrl,
    log: options.log,
    clock,
    districts,
    trustAnchors: () => profileTrustAnchors(options.env ?? process.env, districts),
    responseCheckpointFile: join(options.stateDir, 'response-stream-checkpoints.json'),
  });
}
