/**
 * Case-manager reminders and overdue alerts as a short email from the district's sender.
 * The subject and body name the decision by its id and the deadline by its date: no student
 * name, birth date or student id (staff open the IEP system for the rest). The same code runs
 * on AWS and on one machine; only the mailer's SES client differs (the emulator locally).
 */
import type { CalendarEntryKind } from '../core/calendar.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { CaseManagerNotice, StaffNotifier } from './calendar-ports.ts';

/** An email to a member of staff (the delivery side's SesMailer fits). */
export interface StaffEmail {
  from: { name: string; email: string };
  replyTo?: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  tags: Record<string, string>;
}

/** Sends email. */
export interface StaffMailer {
  send(email: StaffEmail): Promise<{ messageId: string }>;
}

const ENTRY_NAME: Record<CalendarEntryKind, string> = {
  'annual-review': 'Annual IEP review',
  reevaluation: 'Reevaluation',
  transition: 'Transition plan (student reaches the transition age)',
  majority: 'Transfer of rights at the age of majority',
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Subject and text of a case-manager email (pure: tested without SES). */
export function composeStaffEmail(
  notice: CaseManagerNotice,
  districtName: string,
): { subject: string; text: string } {
  const what = ENTRY_NAME[notice.entry];
  const ref = `decision ${notice.decisionId} v${notice.version}`;
  if (notice.kind === 'overdue') {
    return {
      subject: `[${districtName}] OVERDUE: ${what} was due ${notice.dueDate} (${ref})`,
      text: [
        `${what} for ${ref} was due on ${notice.dueDate} and no newer IEP has been finalized.`,
        'It is now listed in the overdue report. Please schedule the meeting as soon as possible.',
        'Open the IEP system for the student and the details.',
      ].join('\n\n'),
    };
  }
  const when =
    notice.entry === 'annual-review' || notice.entry === 'reevaluation' ? 'due by' : 'on';
  return {
    subject: `[${districtName}] Reminder: ${what} ${when} ${notice.dueDate} (${ref})`,
    text: [
      `${what} for ${ref} is ${when} ${notice.dueDate}.`,
      ...(notice.transferOfRightsInNextIep
        ? [
            'The next IEP must include the statement that the student has been informed of the rights that transfer at the age of majority (34 CFR 300.320(c)): the student reaches it within that IEP’s year.',
          ]
        : []),
      ...(scheduleMeetingNow(notice) ? [SCHEDULE_MEETING] : []),
      'Open the IEP system for the student and the details.',
    ].join('\n\n'),
  };
}

/**
 * The annual review's reminder 60 days (or more) ahead asks for the meeting to be scheduled:
 * agreed with the parents (300.322(a)(2)) and noticed early enough (300.322(a)(1)).
 */
export function scheduleMeetingNow(
  notice: Pick<CaseManagerNotice, 'entry' | 'kind' | 'offsetDays'>,
): boolean {
  return notice.entry === 'annual-review' && notice.kind !== 'overdue' && notice.offsetDays >= 60;
}

const SCHEDULE_MEETING =
  'Please schedule the annual review meeting now: agree a time and place with the parents (34 CFR 300.322(a)(2)), then write the meeting item (kind "meeting", docs/meeting-decision.md) so that its notice reaches them early enough to attend (34 CFR 300.322(a)(1); the district\'s minimum notice is in its profile).';

/** The StaffNotifier over a mailer (SES v2). */
export class MailerStaffNotifier implements StaffNotifier {
  constructor(
    private readonly mailer: StaffMailer,
    private readonly districts: DistrictDirectory,
  ) {}

  async notifyCaseManager(notice: CaseManagerNotice): Promise<void> {
    const district = this.districts.get(notice.districtId);
    const { subject, text } = composeStaffEmail(notice, district.name);
    await this.mailer.send({
      from: { name: district.sender.name, email: district.sender.email },
      replyTo: district.email,
      to: notice.to.email,
      subject,
      text,
      html: `<!DOCTYPE html><html lang="en"><body>${text
        .split('\n\n')
        .map((p) => `<p>${escapeHtml(p)}</p>`)
        .join('')}</body></html>`,
      tags: {
        kind: `calendar-${notice.kind}`,
        decisionId: notice.decisionId,
        noticeId: notice.noticeId,
      },
    });
  }
}
