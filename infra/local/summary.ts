/**
 * What a run of the one-machine runtime reports: the decisions it wrote, the files it could
 * not read, each decision's outcome, documents and deliveries, and the day's sweep.
 */
import type { OverdueItem } from '../../functions/core/calendar.ts';
import type { LateNotice } from '../../functions/core/late-notices.ts';
import type { Problem } from '../../functions/core/problems.ts';
import type { ReminderReport } from '../../functions/pipeline/calendar-ports.ts';
import type { OutcomeKind } from '../../functions/pipeline/ports.ts';
import type { SummaryDelivery } from './delivery.ts';

/** A decision the runtime wrote into the decisions table. */
export interface WrittenDecision {
  file: string;
  decisionId: string;
  version: number;
}

/** A file that is not a decision, written nowhere. */
export interface InputError {
  file: string;
  message: string;
}

/** One document in the summary. */
export interface SummaryDocument {
  documentId: string;
  type: string;
  language: string;
  s3Key: string;
  /** `s3://<bucket>/<s3Key>` in the local S3 emulator. */
  s3Uri: string;
  sha256: string;
  bytes: number;
  pages: number;
  state: 'created' | 'unchanged';
  /** The local copy under out/. */
  localPath: string;
}

/** One decision in the summary. */
export interface SummaryDecision {
  file: string;
  decisionId: string;
  version: number;
  outcome: OutcomeKind | 'pending';
  reason?: string;
  problems: Problem[];
  translationNeeded: string[];
  /** What went out but needs the district's attention (a meeting notice sent late). */
  flags: Problem[];
  /** Languages whose documents print the team's text until a complete translation arrives. */
  translationPending: string[];
  /** True for the highest version whose documents are ready and not withdrawn. */
  inForce: boolean;
  withdrawnAt?: string;
  documents: SummaryDocument[];
  /** The offer of the documents: one per recipient, email where consented, postal otherwise. */
  deliveries: SummaryDelivery[];
  /** Calendar notices delivered for this decision (annual review, majority). */
  notices: SummaryDelivery[];
}

/** What the daily sweep did in this run, for the summary. */
export interface SweepReport {
  reminders: ReminderReport[];
  overdue: OverdueItem[];
  /** Meeting notices issued later than the district's minimum (300.322(a)(1)). */
  lateNotices: LateNotice[];
}
