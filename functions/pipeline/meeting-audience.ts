/** Whom a meeting notice goes to: the meeting item's guardians, and the student after transfer. */
import { meetingRecordPrefix, readMeetingItem } from '../core/meeting.ts';
import type { Audience } from '../core/recipients.ts';
import { isSafeguardsEventItem, readSafeguardsEventItem } from '../core/safeguards-event.ts';
import { DeliveryInputMissing } from './deliver.ts';
import type { MeetingReader } from './meeting-ports.ts';
import type { DeliveryJob } from './ports.ts';

/** The people a job speaks to and the district they belong to. */
export interface MeetingAudience {
  districtId: string;
  people: Audience;
}

/** The recipients' source of a `meeting-notice` job (its decisionId is the meeting's record id). */
export async function meetingAudience(
  meetings: MeetingReader,
  job: DeliveryJob,
): Promise<MeetingAudience> {
  if (!job.decisionId.startsWith(meetingRecordPrefix))
    throw new DeliveryInputMissing(`${job.decisionId} is not a meeting's record id`);
  const meetingId = job.decisionId.slice(meetingRecordPrefix.length);
  const item = await meetings.get(meetingId, job.version);
  if (item === undefined)
    throw new DeliveryInputMissing(`meeting ${meetingId} r${job.version} not found`);
  // The meetings table holds the safeguards-event items too (`core/safeguards-event.ts`).
  if (isSafeguardsEventItem(item)) {
    const event = readSafeguardsEventItem(item);
    if (event.kind !== 'safeguards-event')
      throw new DeliveryInputMissing(`item ${meetingId} r${job.version} does not validate`);
    return { districtId: event.item.districtId, people: event.item };
  }
  const read = readMeetingItem(item);
  if (read.kind !== 'meeting')
    throw new DeliveryInputMissing(`meeting ${meetingId} r${job.version} does not validate`);
  return { districtId: read.meeting.districtId, people: read.meeting };
}
