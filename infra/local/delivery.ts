/**
 * Delivery on one machine: the table-backed delivery queue, the deliver handler invoked as an
 * SQS event source mapping would (delivery-drain.ts), the download endpoint on loopback, and
 * the SES emulator's mailbox. The use cases come from the same builders as the Lambda
 * handlers', over the local platform (functions/platform/local.ts).
 *
 * Links in the summary: a token is stored nowhere (only its hash), so the URL of each link
 * sent by THIS process is kept in this process's memory, for the summary shown to the person
 * running it, and is gone when the process ends. A later run lists such deliveries with
 * `link: null` rather than inventing or persisting a bearer credential.
 *
 * This file starts delivery and holds its options; the download endpoint on loopback is in
 * delivery-web.ts, the summary's records of deliveries in delivery-summary.ts.
 */
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
import type { ResourceNames } from '../../functions/contract/resources.ts';
import type { Decision } from '../../functions/core/decision.ts';
import type { DistrictDirectory } from '../../functions/core/district.ts';
import { makeDeliverHandler } from '../../functions/handlers/deliver.ts';
import { documentsJob } from '../../functions/pipeline/delivery-jobs.ts';
import { parseSesEvent, type StatusUpdate } from '../../functions/pipeline/delivery-status.ts';
import type {
  DecisionOutcome,
  DeliveryQueue,
  DocumentRecord,
  Log,
} from '../../functions/pipeline/ports.ts';
import { lazyPrinter } from '../../functions/platform/deliver-wiring.ts';
import { localPlatform } from '../../functions/platform/local.ts';
import { buildPipeline } from '../../functions/platform/pipeline.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { platformResponseDeps } from '../../functions/platform/response-wiring.ts';
import { launchPrinter } from '../../functions/render/chromium.ts';
import type { SigningTrust } from '../../functions/render/engine.ts';
import type { Locale } from '../../functions/render/locales.ts';
import type { PdfPrinter, Signer } from '../../functions/render/ports.ts';
import type { TrustAnchor } from '../../functions/render/signing/index.ts';
import { drainer } from './delivery-drain.ts';
import { recordingDeliver, type SummaryDelivery, summaryOf } from './delivery-summary.ts';
import { localDownloadHandler, startLocalDownloadServer } from './delivery-web.ts';
import { type DeadLetter, ensureQueueTable, LocalQueue } from './local-queue.ts';
import { responseStreamMapping } from './response-stream.ts';

export interface LocalDeliveryOptions {
  clients: AwsClients;
  /** Physical table and bucket names (the runtime's `names`). */
  names: ResourceNames;
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
  /** The responses stream poller's checkpoints (the runtime's state dir); absent: in memory. */
  responseCheckpointFile?: string;
}

/** What the runtime uses. */
export interface LocalDelivery {
  /** The local platform delivery was built on (the runtime builds the rest of the pipeline on it). */
  platform: Platform;
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
  /**
   * Follows up every answer in the responses stream (response-follow-up, as in AWS), then
   * processes the queue until it is empty (failed jobs are retried, then dead-lettered).
   */
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

export type { SummaryDelivery } from './delivery-summary.ts';
export { documentsJob };

/**
 * Starts delivery on one machine, built as the Lambda handlers are: the local platform over
 * the emulators, the queue and the download server, then the deliver, download and
 * delivery-status use cases from the pipeline's builders (functions/platform/use-cases/).
 * Long because: one wiring sequence, each step needing the one before (the platform the
 * server's address, the use cases the platform), read best in one place.
 */
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
  const server = await startLocalDownloadServer({
    port: options.downloadPort ?? 0,
    rateLimits: options.rateLimits ?? Object.values(DOWNLOAD_API_LIMITS),
    log,
  });
  const platform = localPlatform({
    clients: options.clients,
    names: options.names,
    districts,
    signer: options.signer,
    printer,
    deliveryQueue: queue,
    downloadBaseUrl: server.url,
    clock,
    log,
    ...(options.trust ? { trust: options.trust } : {}),
    ...(options.locales ? { locales: options.locales } : {}),
  });
  const pipeline = buildPipeline(platform);
  const services = await pipeline.deliver();
  const stores = pipeline.download();
  server.serve(
    localDownloadHandler(stores, {
      districts,
      anchors: options.trustAnchors ?? (() => []),
      baseUrl: server.url,
      clock,
      log,
      respond: platformResponseDeps(platform, stores),
    }),
  );
  const sent = recordingDeliver(services.deliver);
  const drainQueue = drainer(
    queue,
    makeDeliverHandler({ deliver: sent, log }),
    sent.lastError,
    clock,
  );
  // Answers recorded by the download server are followed up from the responses stream.
  const responses = responseStreamMapping({
    clients: options.clients,
    responsesTable: options.names.tables.responses,
    service: (await pipeline.responseFollowUp()).service,
    log,
    ...(options.responseCheckpointFile ? { checkpointFile: options.responseCheckpointFile } : {}),
  });
  const drain = async () => {
    await responses.drain();
    await drainQueue();
  };
  const status = pipeline.deliveryStatus();
  return {
    platform,
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
    deliveriesFor: async (decisionId, version) =>
      summaryOf(
        await services.deliveries.listForDecision(decisionId, version),
        sent.links,
        sent.printedCodes,
      ),
    async applySesEvent(body) {
      const event = parseSesEvent(body);
      return event ? status.apply(event) : 'ignored';
    },
    deadLetters: () => queue.deadLetters(),
    async stop() {
      await server.close();
      await responses.stop();
      await ownPrinter?.close();
    },
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
