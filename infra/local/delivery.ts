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
import type { Channel } from '../../functions/core/recipients.ts';
import { makeDeliverHandler } from '../../functions/handlers/deliver.ts';
import { makeDownloadHandler } from '../../functions/handlers/download.ts';
import type { RespondDeps } from '../../functions/handlers/respond.ts';
import { makeVerifyCopyHandler } from '../../functions/handlers/verify-copy.ts';
import type { Deliver } from '../../functions/pipeline/deliver.ts';
import { documentsJob } from '../../functions/pipeline/delivery-jobs.ts';
import type { DeliveryRecord, DeliveryState } from '../../functions/pipeline/delivery-ports.ts';
import { parseSesEvent, type StatusUpdate } from '../../functions/pipeline/delivery-status.ts';
import type {
  DecisionOutcome,
  DeliveryJob,
  DeliveryQueue,
  DocumentRecord,
  Log,
} from '../../functions/pipeline/ports.ts';
import { lazyPrinter } from '../../functions/platform/deliver-wiring.ts';
import { localPlatform } from '../../functions/platform/local.ts';
import { buildPipeline, type Pipeline } from '../../functions/platform/pipeline.ts';
import type { Platform } from '../../functions/platform/platform.ts';
import { platformResponseDeps } from '../../functions/platform/response-wiring.ts';
import { verifyCopyParts } from '../../functions/platform/verify-wiring.ts';
import { signerSubject } from '../../functions/platform/wiring.ts';
import { launchPrinter } from '../../functions/render/chromium.ts';
import type { SigningTrust } from '../../functions/render/engine.ts';
import type { Locale } from '../../functions/render/locales.ts';
import type { PdfPrinter, Signer } from '../../functions/render/ports.ts';
import type { TrustAnchor } from '../../functions/render/signing/index.ts';
import { drainer } from './delivery-drain.ts';
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

/**
 * Starts delivery on one machine, built as the Lambda handlers are: the local platform over
 * the emulators, the queue and the download server, then the deliver, download and
 * delivery-status use cases from the pipeline's builders (functions/platform/use-cases/).
 * Longer than most functions: one wiring sequence, each step needing the one before (the
 * platform the server's address, the use cases the platform), read best in one place.
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
  downloadHandler = localDownloadHandler(stores, {
    districts,
    anchors: options.trustAnchors ?? (() => []),
    baseUrl: server.url,
    clock,
    log,
    respond: await localResponses(platform, stores, printer, options),
  });
  const sent = recordingDeliver(services.deliver);
  const drain = drainer(queue, makeDeliverHandler({ deliver: sent, log }), sent.lastError, clock);
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
      summaryOf(await services.deliveries.listForDecision(decisionId, version), sent.links),
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

/** The download endpoint over the download use case's stores, with the verification page. */
function localDownloadHandler(
  stores: ReturnType<Pipeline['download']>,
  parts: {
    districts: DistrictDirectory;
    anchors: () => readonly TrustAnchor[];
    baseUrl: string;
    clock: () => Date;
    log: Log;
    respond?: RespondDeps;
  },
) {
  const verify = verifyCopyParts({
    records: stores.records,
    decisions: stores.decisions,
    districts: parts.districts,
    anchors: parts.anchors,
    locales: stores.locales,
    baseUrl: parts.baseUrl,
    clock: parts.clock,
  });
  return makeDownloadHandler({
    verify: makeVerifyCopyHandler({ ...verify, log: parts.log }),
    ...(parts.respond ? { respond: parts.respond } : {}),
    links: stores.links,
    records: stores.records,
    presign: (key, seconds, options) => stores.store.presignGet(key, seconds, options),
    districts: parts.districts,
    templates: stores.templates,
    locales: stores.locales,
    log: parts.log,
  });
}

/** The response page (issue #19): answers printed and signed by the runtime's printer and signer. */
async function localResponses(
  platform: Platform,
  stores: ReturnType<Pipeline['download']>,
  printer: PdfPrinter,
  options: LocalDeliveryOptions,
): Promise<RespondDeps> {
  return platformResponseDeps(platform, stores, {
    printer,
    signer: options.signer,
    signerName: await signerSubject(options.signer),
    ...(options.trust ? { trust: options.trust } : {}),
  });
}

/**
 * The deliver use case, keeping the raw link URLs this process sent (for the summary only,
 * see the module comment) and why each job last failed (shown with its dead letter).
 */
function recordingDeliver(deliver: Pick<Deliver, 'deliver'>) {
  const links = new Map<string, string>();
  const lastErrors = new Map<string, string>();
  return {
    links,
    lastError: (job: DeliveryJob) => lastErrors.get(job.jobId),
    async deliver(job: DeliveryJob) {
      try {
        const results = await deliver.deliver(job);
        for (const r of results) if (r.link) links.set(r.deliveryId, r.link);
        return results;
      } catch (error) {
        lastErrors.set(job.jobId, describe(error));
        throw error;
      }
    },
  };
}

/** The summary's deliveries: recipientId order, email before postal. */
function summaryOf(
  records: DeliveryRecord[],
  sentLinks: ReadonlyMap<string, string>,
): SummaryDelivery[] {
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
}

function describe(error: unknown): string {
  if (error instanceof AggregateError)
    return `${error.message}: ${error.errors.map(describe).join('; ')}`;
  return error instanceof Error ? error.message : String(error);
}

/** The trust anchors the profiles name, as `iep-docs verify` reads them (for the verification page). */
export function profileTrustAnchors(env: NodeJS.ProcessEnv, districts: DistrictDirectory) {
  return loadTrustAnchors({
    districts,
    districtsDir: env[ENV.districtsDir] || DEFAULT_DISTRICTS_DIR,
    stateDir: stateDir(env),
  });
}
