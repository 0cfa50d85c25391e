/** Decisions for the calendar tests: the shared fixtures, and variants of them. */
import { readFileSync } from 'node:fs';
import type { Decision } from '../../functions/core/decision.ts';
import { readDecision } from '../../functions/core/decision-v2.ts';

export const fixtureNames = [
  'annual-elementary-en',
  'annual-transition-es',
  'initial-zh',
  'amendment-vi',
  'majority-ar',
] as const;

/** A fixture decision, parsed (defaults applied). */
export function fixture(name: (typeof fixtureNames)[number]): Decision {
  const url = new URL(`../fixtures/decisions/${name}.json`, import.meta.url);
  const read = readDecision(JSON.parse(readFileSync(url, 'utf8')));
  if (!read.success) throw read.error;
  return read.data;
}

/** Changes a decision may get in a test. */
export interface Variant {
  decisionId?: string;
  version?: number;
  status?: Decision['status'];
  meetingType?: Decision['meeting']['type'];
  meetingDate?: string;
  amendsMeetingDate?: string;
  dateOfBirth?: string;
  lastEvaluationDate?: string;
  stateOfResidence?: string;
  studentId?: string;
}

/** A copy of `base` with the given changes. */
export function variant(base: Decision, v: Variant): Decision {
  const d = structuredClone(base);
  if (v.decisionId) d.decisionId = v.decisionId;
  if (v.version) d.version = v.version;
  if (v.status) d.status = v.status;
  if (v.meetingType) d.meeting.type = v.meetingType;
  if (v.meetingDate) d.meeting.date = v.meetingDate;
  if (v.meetingType && v.meetingType !== 'amendment') delete d.meeting.amendsMeetingDate;
  if (v.amendsMeetingDate) d.meeting.amendsMeetingDate = v.amendsMeetingDate;
  if (v.dateOfBirth) d.student.dateOfBirth = v.dateOfBirth;
  if (v.lastEvaluationDate) d.student.lastEvaluationDate = v.lastEvaluationDate;
  if (v.stateOfResidence) d.student.stateOfResidence = v.stateOfResidence;
  if (v.studentId) d.student.studentId = v.studentId;
  return d;
}
