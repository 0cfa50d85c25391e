/** The render-documents use case over a platform (its Lambda handler and the local runtime). */
import { DynamoCalendarStore } from '../../adapters/dynamo-calendar.ts';
import { DynamoDeliveryStore } from '../../adapters/dynamo-deliveries.ts';
import { DynamoAccessLog, DynamoLinkStore } from '../../adapters/dynamo-links.ts';
import { DynamoTranslations } from '../../adapters/dynamo-translations.ts';
import { type AfterRenderParts, afterRender } from '../../pipeline/after-render.ts';
import { CalendarSchedule } from '../../pipeline/calendar-schedule.ts';
import { LinkService } from '../../pipeline/links.ts';
import type { Platform } from '../platform.ts';
import { renderDecisionService } from '../wiring.ts';
import { platformEngine } from './engine.ts';

/** Options of {@link buildRenderDecision}. */
export interface RenderDecisionOptions {
  /** Told of reminders the calendar cancelled while rendering (the local run's summary). */
  readonly onCancelledReminders?: AfterRenderParts['onCancelledReminders'];
}

/**
 * render-documents: the use case, its outcome store, and after it the policy of
 * pipeline/after-render.ts (the offer to the parents, the calendar, withdrawal).
 */
export async function buildRenderDecision(platform: Platform, options: RenderDecisionOptions = {}) {
  const { clients, log, clock } = platform;
  const db = clients.documents;
  // The studentKey secret first: a cold start that cannot read it fails before Chromium.
  const calendarOptions = await platform.calendarOptions();
  const schedule = new CalendarSchedule({
    store: new DynamoCalendarStore(db, platform.table('calendar')),
    districts: platform.districts,
    clock,
    log,
    options: calendarOptions,
  });
  const links = new LinkService({
    links: new DynamoLinkStore(db, platform.table('links')),
    accessLog: new DynamoAccessLog(db, platform.table('accessLog')),
    deliveries: new DynamoDeliveryStore(db, platform.table('deliveries')),
    clock,
    log,
  });
  const renderer = await platformEngine(platform);
  return renderDecisionService({
    clients,
    tables: { outcomes: platform.table('outcomes'), documents: platform.table('documents') },
    bucket: platform.bucket,
    renderer,
    signer: renderer.signer,
    log,
    clock,
    translations: new DynamoTranslations(db, platform.table('translations')),
    ...afterRender({
      queue: platform.deliveryQueue(),
      schedule,
      links,
      ...(options.onCancelledReminders
        ? { onCancelledReminders: options.onCancelledReminders }
        : {}),
    }),
  });
}
