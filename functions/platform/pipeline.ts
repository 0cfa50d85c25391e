/**
 * The composition root: the use cases of the pipeline built from a {@link Platform}, for the
 * Lambda handlers (`buildPipeline(awsPlatform())`) and the one-machine runtime alike. Each use
 * case is built when first asked for, so a function builds only its own parts (and needs only
 * its own settings and permissions).
 */

import { DynamoCalendarStore } from '../adapters/dynamo-calendar.ts';
import { DynamoDecisionReader } from '../adapters/dynamo-decision-reader.ts';
import { DynamoDeliveryStore } from '../adapters/dynamo-deliveries.ts';
import { DynamoAccessLog, DynamoLinkStore } from '../adapters/dynamo-links.ts';
import { DynamoOutcomeStore } from '../adapters/dynamo-outcomes.ts';
import { readStreamRange, type StreamRange } from '../adapters/dynamo-stream-range.ts';
import { type AfterRenderParts, afterRender } from '../pipeline/after-render.ts';
import { CalendarSchedule } from '../pipeline/calendar-schedule.ts';
import { MailerStaffNotifier } from '../pipeline/calendar-staff-notifier.ts';
import { DeliveryStatus } from '../pipeline/delivery-status.ts';
import { LinkService } from '../pipeline/links.ts';
import { DocumentEngine } from '../render/engine.ts';
import { NoticeRenderer } from '../render/notice.ts';
import { calendarServices } from './calendar-wiring.ts';
import { deliverService, deliveryStores, lazyPrinter } from './delivery-wiring.ts';
import type { Platform } from './platform.ts';
import { regenerateService } from './regenerate-wiring.ts';
import { renderDecisionService, signerSubject } from './wiring.ts';

/** Options of {@link buildPipeline}. */
export interface PipelineOptions {
  /** Told of reminders the calendar cancelled while rendering (the local run's summary). */
  readonly onCancelledReminders?: AfterRenderParts['onCancelledReminders'];
}

/** The pipeline's use cases over one platform. */
export function buildPipeline(platform: Platform, options: PipelineOptions = {}) {
  const { clients, log, clock } = platform;
  const db = clients.documents;
  const engine = async () =>
    new DocumentEngine({
      printer: await platform.printer(),
      signer: await platform.signer(),
      districts: platform.districts,
      clock,
      ...(platform.trust ? { trust: platform.trust } : {}),
    });
  const links = () =>
    new LinkService({
      links: new DynamoLinkStore(db, platform.table('links')),
      accessLog: new DynamoAccessLog(db, platform.table('accessLog')),
      deliveries: new DynamoDeliveryStore(db, platform.table('deliveries')),
      clock,
      log,
    });
  const deliveryParts = () => ({
    clients,
    tables: {
      decisions: platform.table('decisions'),
      documents: platform.table('documents'),
      deliveries: platform.table('deliveries'),
      links: platform.table('links'),
      accessLog: platform.table('accessLog'),
    },
    bucket: platform.bucket,
    districts: platform.districts,
    log,
    clock,
    downloadBaseUrl: platform.downloadBaseUrl(),
  });

  return {
    platform,

    /**
     * render-documents: the use case, its outcome store, and after it the policy of
     * pipeline/after-render.ts (the offer to the parents, the calendar, withdrawal).
     */
    async renderDecision() {
      // The studentKey secret first: a cold start that cannot read it fails before Chromium.
      const calendarOptions = await platform.calendarOptions();
      const schedule = new CalendarSchedule({
        store: new DynamoCalendarStore(db, platform.table('calendar')),
        districts: platform.districts,
        clock,
        log,
        options: calendarOptions,
      });
      const renderer = await engine();
      return renderDecisionService({
        clients,
        tables: { outcomes: platform.table('outcomes'), documents: platform.table('documents') },
        bucket: platform.bucket,
        renderer,
        signer: renderer.signer,
        log,
        clock,
        ...afterRender({
          queue: platform.deliveryQueue(),
          schedule,
          links: links(),
          ...(options.onCancelledReminders
            ? { onCancelledReminders: options.onCancelledReminders }
            : {}),
        }),
      });
    },

    /**
     * The calendar's scheduling and daily sweep (notices rendered and signed here). The sweep
     * alone reads entries by due date and needs no studentKey secret: only scheduling loads it.
     */
    async calendar(use: { readonly scheduling: boolean } = { scheduling: true }) {
      const signer = await platform.signer();
      return calendarServices({
        clients,
        tables: {
          calendar: platform.table('calendar'),
          runs: platform.table('runs'),
          documents: platform.table('documents'),
        },
        bucket: platform.bucket,
        decisions: new DynamoDecisionReader(db, platform.table('decisions')),
        districts: platform.districts,
        notices: new NoticeRenderer({
          printer: await platform.printer(),
          signer,
          clock,
          ...(platform.trust ? { trust: platform.trust } : {}),
        }),
        queue: platform.deliveryQueue(),
        staff: new MailerStaffNotifier(platform.mailer(), platform.districts),
        signerName: await signerSubject(signer),
        clock,
        log,
        ...(use.scheduling ? { options: await platform.calendarOptions() } : {}),
      });
    },

    /** deliver: Chromium starts lazily, on the first postal packet (most jobs are emails). */
    async deliver() {
      const postalNotifier = platform.postalNotifier();
      return deliverService({
        ...deliveryParts(),
        // Postal packets are signed by the district's identity, as its documents are.
        signer: await platform.signer(),
        ...(platform.trust ? { trust: platform.trust } : {}),
        ...(postalNotifier ? { postalNotifier } : {}),
        printer: lazyPrinter(() => platform.printer()),
      });
    },

    /** The download endpoint's stores and texts. */
    download() {
      return deliveryStores(deliveryParts());
    },

    /** SES events → delivery status (a bounce re-enqueues for a postal packet). */
    deliveryStatus() {
      return new DeliveryStatus({
        deliveries: new DynamoDeliveryStore(db, platform.table('deliveries')),
        queue: platform.deliveryQueue(),
        clock,
        log,
      });
    },

    /** The stream's on-failure consumer: reads a failed range back, records outcomes. */
    streamDeadLetter() {
      return {
        readRange: (range: StreamRange) => readStreamRange(clients.dynamodbStreams, range),
        outcomes: new DynamoOutcomeStore(db, platform.table('outcomes')),
        log,
        clock,
      };
    },

    /** Batch regeneration of one decision version. */
    async regenerate() {
      return regenerateService({
        clients,
        tables: {
          decisions: platform.table('decisions'),
          documents: platform.table('documents'),
          runs: platform.table('runs'),
        },
        bucket: platform.bucket,
        engine: await engine(),
        districts: platform.districts,
        log,
        clock,
      });
    },
  };
}

/** What {@link buildPipeline} returns. */
export type Pipeline = ReturnType<typeof buildPipeline>;
