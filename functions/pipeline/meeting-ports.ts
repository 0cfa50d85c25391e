/** The ports of the meeting notices and the safeguards givings (DynamoDB adapters implement them). */
import type { SafeguardsGiving } from '../core/safeguards.ts';
import type { VersionStatus } from './link-standing.ts';

/** Reads a district's meeting item (plain values), as written. */
export interface MeetingReader {
  get(meetingId: string, revision: number): Promise<unknown | undefined>;
  /** Every revision of a meeting (the newest is the one in force). */
  versions(meetingId: string): Promise<VersionStatus[]>;
}

/** The safeguards table: every giving of the notice, per student. */
export interface SafeguardsStore {
  /** Records the giving unless it is recorded (same student and givingKey); false when it was. */
  putOnce(giving: SafeguardsGiving): Promise<boolean>;
  forStudent(studentKey: string): Promise<SafeguardsGiving[]>;
}
