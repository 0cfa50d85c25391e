/**
 * Delivery on one machine: the table-backed delivery queue, the deliver handler invoked as an
 * SQS event source mapping would (batches, partial failures, redelivery after the visibility
 * timeout, dead letters), the download endpoint on loopback, and the SES emulator's mailbox.
 *
 * Links in the summary: a token is stored nowhere (only its hash), so the URL of each link
 * sent by THIS process is kept in this process's memory, for the summary shown to the person
 * running it, and is gone when the process ends. A later run lists such deliveries with
 * `link: null` rather than inventing or persisting a bearer credential.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { AwsClients } from '../../functions/adapters/aws-clients.ts';
import {
  DEFAULT_DISTRICTS_DIR,
  loadDistrictDirectory,
} from '../../functions/adapters/district-files.ts';
import { loadTrustAnchors } from '../../functions/adapters/trust-anchors.ts';
import { stateDir } from '../../functions/cli/context.ts';
import {
  type ClientRateLimit,
  DOWNLOAD_API_LIMITS,
} from '../../functions/contract/download-api.ts';
import { ENV } from '../../functions/contract/environment.ts';
import { DELIVERY_QUEUE } from '../../functions/contract/queues.ts';
import type { Decision } from '../../functions/core/decision.ts';
import type { DistrictDirectory } from '../../functions/core/district.ts';
import type { Channel } from '../../functions/core/recipients.ts';
import { makeDeliverHandler } from '../../functions/handlers/deliver.ts';
import { makeDownloadHandler } from '../../functions/handlers/download.ts';
import { makeVerifyCopyHandler } from '../../functions/handlers/verify-copy.ts';
import { documentsJob } from '../../functions/pipeline/delivery-jobs.ts';
import type { DeliveryRecord, DeliveryState } from '../../functions/pipeline/delivery-ports.ts';
import {
  DeliveryStatus,
  parseSesEvent,
  type StatusUpdate,
} from '../../functions/pipeline/delivery-status.ts';
import type {
  DecisionOutcome,
  DeliveryJob,
  DeliveryQueue,
  DocumentRecord,
  Log,
} from '../../functions/pipeline/ports.ts';
import { deliverService, lazyPrinter } from '../../functions/platform/deliver-wiring.ts';
import type { DeliveryTables } from '../../functions/platform/delivery-wiring.ts';
import { responseDeps } from '../../functions/platform/response-wiring.ts';
import { verifyCopyParts } from '../../functions/platform/verify-wiring.ts';
import { signerSubject } from '../../functions/platform/wiring.ts';
import { launchPrinter } from '../../functions/render/chromium.ts';
import type { SigningTrust } from '../../functions/render/engine.ts';
import type { Locale } from '../../functions/render/locales.ts';
import type { PdfPrinter, Signer } from '../../functions/render/ports.ts';
import type { TrustAnchor } from '../../functions/render/signing/index.ts';
import { startDownloadServer } from './download-server.ts';
import { type DeadLetter, ensureQueueTable, LocalQueue } from './local-queue.ts';

/** One delivery as the runtime's summary lists it. */
export interface SummaryDelivery {
  /** The offer of a meeting's documents, or a calendar notice (annual review, majority). */
  kind: DeliveryJob['kind'];
  /** The guardianId, or "student". */
  recipientId: string;
  channel: Channel;
  language: string;
  subject: string;
  /** The download link, when this process sent it (email); null otherwise. */
  link: string | null;
  state: DeliveryState;
  /** Postal only: the packet's S3 key (to print, or to copy under out/). */
  postalKey?: string;
  /** Postal only: `s3://<bucket>/<postalKey>` (set by the runtime's summary). */
  postalUri?: string;
  /** Postal only: the packet's copy under out/<decisionId>/v<version>/postal/. */
  localPath?: string;
  /** The procedural safeguards notice this delivery gave (300.504), when it gave one. */
  safeguards?: DeliveryRecord['safeguards'];
  /** Why the state needs a person (problem, needs-review, bounce), and notes such as "translation needed: es". */
  notes?: string[];
}

export interface LocalDeliveryOptions {
  clients: AwsClients;
  /** Physical table names (`names.tables` of the runtime fits). */
  tables: DeliveryTables;
  /** The documents bucket. */
  bucket: string;
  /**
   * Prints postal cover letters: the engine's warm printer if at hand; absent, delivery
   * launches its own Chromium on the first cover letter and closes it in stop().
   */
  printer?: PdfPrinter;
  /** Signs postal packets (the engine's signer: the same identity as the documents). */
  signer: Signer;
  /** The packets' time-stamps and validation data (the engine's trust: B-LT like the documents). */
  trust?: SigningTrust;
  /** The queue's table (created when missing), e.g. `iep-local-queue`. */
  queueTable: string;
  /** Where a person reads the emails (the SES emulator's web page: `endpoints.sesViewerUrl`). */
  mailboxUrl: string;
  log: Log;
  clock?: () => Date;
  districts?: DistrictDirectory;
  /** Loopback port of the download endpoint; 0 or absent: a free port. */
  downloadPort?: number;
  /** Visibility timeout of the local queue (ms); short, so a failed job is retried promptly. */
  visibilityTimeoutMs?: number;
  /** Receives before a job is dead-lettered (default: the contract's, as on AWS). */
  maxReceiveCount?: number;
  /** The locales of messages and pages (default: every file of templates/locales). */
  locales?: Map<string, Locale>;
  /** The verification page's trust anchors (the profiles'); absent: none, no upload is trusted. */
  trustAnchors?: () => readonly TrustAnchor[];
  /** Requests one client may make per window (the stack's WAF rules); absent: the contract's. */
  rateLimits?: readonly ClientRateLimit[];
}

/** What the runtime uses. */
export interface LocalDelivery {
  /** The delivery queue (pass to whatever enqueues jobs). */
  queue: DeliveryQueue;
  /** RenderDecision's afterDocumentsReady: enqueues `${decisionId}#v${version}#documents`. */
  afterDocumentsReady: (
    decision: Decision,
    documents: DocumentRecord[],
    outcome: DecisionOutcome,
  ) => Promise<void>;
  /** Revokes a withdrawn or superseded version's links (for the after-render policy). */
  links: {
    revokeLinks(decisionId: string, version: number): Promise<unknown>;
    revokeSuperseded(decisionId: string, version: number): Promise<unknown>;
  };
  /** RenderDecision's afterWithdrawn: revokes the version's links. */
  afterWithdrawn: (decisionId: string, version: number) => Promise<void>;
  /** Processes the queue until it is empty (failed jobs are retried, then dead-lettered). */
  drain(): Promise<void>;
  /** `http://127.0.0.1:<port>`; links are `${downloadBaseUrl}/d/<token>`. */
  downloadBaseUrl: string;
  /** The "Is this copy genuine?" page: `${downloadBaseUrl}/verify`. */
  verifyUrl: string;
  mailboxUrl: string;
  /** The deliveries of a decision version, for the summary (recipientId order, email before postal). */
  deliveriesFor(decisionId: string, version: number): Promise<SummaryDelivery[]>;
  /** Applies an SES event body (what SES would publish), e.g. a bounce in a demo or test. */
  applySesEvent(body: unknown): Promise<StatusUpdate>;
  /** Jobs that exhausted their receives. */
  deadLetters(): Promise<DeadLetter[]>;
  /** Stops the download server and delivery's own printer (the clients and a given printer belong to the caller). */
  stop(): Promise<void>;
}

export { documentsJob };

/** Starts delivery on one machine. */
export async function startLocalDelivery(options: LocalDeliveryOptions): Promise<LocalDelivery> {
  const clock = options.clock ?? (() => new Date());
  const { log } = options;
  const districts = options.districts ?? loadDistrictDirectory();
  await ensureQueueTable(options.clients.dynamodb, options.queueTable);
  const ownPrinter = options.printer ? undefined : lazyPrinter(() => launchPrinter());
  const printer = options.printer ?? (ownPrinter as PdfPrinter);
  const queue = new LocalQueue({
    db: options.clients.documents,
    tableName: options.queueTable,
    queueName: 'delivery',
    visibilityTimeoutMs: options.visibilityTimeoutMs ?? 2_000,
    maxReceiveCount: options.maxReceiveCount ?? DELIVERY_QUEUE.maxReceiveCount,
    clock,
  });

  // The download handler needs no base URL, the deliver use case does: serve first.
  let downloadHandler: ReturnType<typeof makeDownloadHandler> | undefined;
  const server = await startDownloadServer(
    async (event) => {
      if (!downloadHandler) throw new Error('download endpoint not ready');
      return downloadHandler(event);
    },
    {
      port: options.downloadPort ?? 0,
      rateLimits: options.rateLimits ?? Object.values(DOWNLOAD_API_LIMITS),
      onError: (error) =>
        log.error('download request failed', {
          error: error instanceof Error ? error.message : String(error),
        }),
    },
  );
  const services = deliverService({
    clients: options.clients,
    tables: options.tables,
    bucket: options.bucket,
    districts,
    log,
    clock,
    downloadBaseUrl: server.url,
    printer,
    signer: options.signer,
    ...(options.trust ? { trust: options.trust } : {}),
    ...(options.locales ? { locales: options.locales } : {}),
  });
  const verify = verifyCopyParts({
    records: services.records,
    decisions: services.decisions,
    districts,
    anchors: options.trustAnchors ?? (() => []),
    locales: services.locales,
    baseUrl: server.url,
    clock,
  });
  const respond = await localResponses(options, services, districts, printer, clock);
  downloadHandler = makeDownloadHandler({
    verify: makeVerifyCopyHandler({ ...verify, log }),
    ...(respond ? { respond } : {}),
    links: services.links,
    records: services.records,
    presign: (key, seconds, options) => services.store.presignGet(key, seconds, options),
    districts,
    templates: services.templates,
    locales: services.locales,
    log,
  });

  // Raw link URLs sent by this process, for the summary only (see the module comment).
  const sentLinks = new Map<string, string>();
  // Why each job last failed, kept with its message (and shown with its dead letter).
  const lastErrors = new Map<string, string>();
  const deliver = {
    async deliver(job: DeliveryJob) {
      try {
        const results = await services.deliver.deliver(job);
        for (const r of results) if (r.link) sentLinks.set(r.deliveryId, r.link);
        return results;
      } catch (error) {
        lastErrors.set(job.jobId, describe(error));
        throw error;
      }
    },
  };
  const handler = makeDeliverHandler({ deliver, log });
  const lastErrorOf = (body: string) => {
    try {
      return lastErrors.get((JSON.parse(body) as DeliveryJob).jobId) ?? 'not a delivery job';
    } catch {
      return 'not a delivery job';
    }
  };
  const status = new DeliveryStatus({ deliveries: services.deliveries, queue, clock, log });

  const drain = async () => {
    for (;;) {
      const messages = await queue.receive(10);
      if (messages.length === 0) {
        const { count, nextVisibleAt } = await queue.pending();
        if (count === 0) return;
        // In flight or waiting for its visibility timeout: wait for it, as SQS would.
        const wait = Math.max(50, Math.min(5_000, (nextVisibleAt ?? 0) - clock().getTime()));
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      const event: SQSEvent = { Records: messages.map(sqsRecord) };
      const response = await handler(event);
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      for (const message of messages) {
        if (failed.has(message.messageId))
          await queue.recordFailure(message, lastErrorOf(message.body));
        else await queue.delete(message);
      }
    }
  };

  return {
    queue,
    afterDocumentsReady: (decision, documents, outcome) =>
      queue.enqueue(documentsJob(outcome, documents, decision.districtId)),
    links: services.links,
    afterWithdrawn: async (decisionId, version) => {
      await services.links.revokeLinks(decisionId, version);
    },
    drain,
    downloadBaseUrl: server.url,
    verifyUrl: `${server.url}/verify`,
    mailboxUrl: options.mailboxUrl,
    async deliveriesFor(decisionId, version) {
      const records = await services.deliveries.listForDecision(decisionId, version);
      return records
        .sort(
          (a, b) =>
            a.recipientId.localeCompare(b.recipientId) ||
            (a.channel === b.channel ? 0 : a.channel === 'email' ? -1 : 1),
        )
        .map((r) => ({
          kind: r.kind,
          recipientId: r.recipientId,
          channel: r.channel,
          language: r.language,
          subject: r.subject,
          link: sentLinks.get(r.deliveryId) ?? null,
          state: r.state,
          ...(r.postalKey ? { postalKey: r.postalKey } : {}),
          ...(r.safeguards ? { safeguards: r.safeguards } : {}),
          ...(r.reason || r.notes
            ? { notes: [...(r.reason ? [r.reason] : []), ...(r.notes ?? [])] }
            : {}),
        }));
    },
    async applySesEvent(body) {
      const event = parseSesEvent(body);
      return event ? status.apply(event) : 'ignored';
    },
    deadLetters: () => queue.deadLetters(),
    async stop() {
      await server.close();
      await ownPrinter?.close();
    },
  };
}

/** The response page (issue #19) when the runtime has its tables: answers signed by the engine's signer. */
async function localResponses(
  options: LocalDeliveryOptions,
  services: ReturnType<typeof deliverService>,
  districts: DistrictDirectory,
  printer: PdfPrinter,
  clock: () => Date,
) {
  const { responses, responseCodes } = options.tables;
  if (!responses || !responseCodes) return undefined;
  return responseDeps({
    clients: options.clients,
    tables: { responses, responseCodes },
    links: services.linkStore,
    versions: (decisionId) => services.decisions.versions(decisionId),
    decisions: services.decisions,
    records: services.records,
    store: services.store,
    districts,
    locales: services.locales,
    mailer: services.mailer,
    clock,
    log: options.log,
    signing: {
      printer,
      signer: options.signer,
      signerName: await signerSubject(options.signer),
      ...(options.trust ? { trust: options.trust } : {}),
    },
  });
}

function describe(error: unknown): string {
  if (error instanceof AggregateError)
    return `${error.message}: ${error.errors.map(describe).join('; ')}`;
  return error instanceof Error ? error.message : String(error);
}

function sqsRecord(message: {
  messageId: string;
  receiptHandle: string;
  body: string;
  receiveCount: number;
  sentAt: string;
}): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(Date.parse(message.sentAt)),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:delivery',
    awsRegion: 'local',
  };
}

/** The trust anchors the profiles name, as `iep-docs verify` reads them (for the verification page). */
export function profileTrustAnchors(env: NodeJS.ProcessEnv, districts: DistrictDirectory) {
  return loadTrustAnchors({
    districts,
    districtsDir: env[ENV.districtsDir] || DEFAULT_DISTRICTS_DIR,
    stateDir: stateDir(env),
  });
}
