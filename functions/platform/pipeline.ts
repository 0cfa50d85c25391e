/**
 * The composition root of the one-machine runtime and the tests: every use case of the pipeline
 * over one {@link Platform}, each built when first asked for. A Lambda handler imports its own
 * use case's builder from `use-cases/` instead, so its bundle holds only what that use case uses.
 */
import type { Platform } from './platform.ts';
import { buildCalendar } from './use-cases/calendar.ts';
import { buildDeliver } from './use-cases/deliver.ts';
import { buildDeliveryStatus } from './use-cases/delivery-status.ts';
import { buildDownload } from './use-cases/download.ts';
import { buildMeetingNotices } from './use-cases/meeting-notices.ts';
import { buildRegenerate } from './use-cases/regenerate.ts';
import { buildRenderDecision, type RenderDecisionOptions } from './use-cases/render-decision.ts';
import { buildRenderTranslation } from './use-cases/render-translation.ts';
import { buildResponseFollowUp } from './use-cases/response-follow-up.ts';
import { buildStreamDeadLetter } from './use-cases/stream-dead-letter.ts';

/** Options of {@link buildPipeline}. */
export type PipelineOptions = RenderDecisionOptions;

/** The pipeline's use cases over one platform. */
export function buildPipeline(platform: Platform, options: PipelineOptions = {}) {
  return {
    platform,
    /** render-documents and the after-render policy (use-cases/render-decision.ts). */
    renderDecision: () => buildRenderDecision(platform, options),
    /** The calendar's scheduling and daily sweep (use-cases/calendar.ts). */
    calendar: (use?: { readonly scheduling: boolean }) => buildCalendar(platform, use),
    /** deliver (use-cases/deliver.ts). */
    deliver: () => buildDeliver(platform),
    /** The download endpoint's stores and texts (use-cases/download.ts). */
    download: () => buildDownload(platform),
    /** SES events → delivery status (use-cases/delivery-status.ts). */
    deliveryStatus: () => buildDeliveryStatus(platform),
    /** The stream's on-failure consumer (use-cases/stream-dead-letter.ts). */
    streamDeadLetter: () => buildStreamDeadLetter(platform),
    /** meeting-notices: a meeting item → its notices (use-cases/meeting-notices.ts). */
    meetingNotices: () => buildMeetingNotices(platform),
    /** render-translations: a later translation → its documents (use-cases/render-translation.ts). */
    renderTranslation: () => buildRenderTranslation(platform),
    /** The responses stream's consumer: an answer's calendar, PDF and emails (use-cases/response-follow-up.ts). */
    responseFollowUp: () => buildResponseFollowUp(platform),
    /** Batch regeneration of one decision version (use-cases/regenerate.ts). */
    regenerate: () => buildRegenerate(platform),
  };
}

/** What {@link buildPipeline} returns. */
export type Pipeline = ReturnType<typeof buildPipeline>;
