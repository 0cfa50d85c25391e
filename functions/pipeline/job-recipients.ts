/**
 * Whom a delivery job reaches today: every recipient of its people, or the ones it names, where
 * a named one who is not a recipient today is kept as a problem (recorded, not lost).
 */
import type { CalendarDate } from '../core/dates.ts';
import { type Recipient, recipientsOf, STUDENT_RECIPIENT } from '../core/recipients.ts';
import type { DeliveryContent } from './delivery-texts.ts';
import type { DeliveryJob } from './ports.ts';

/** The job's recipients: each one it names (a stranger is a problem), else everyone. */
export function jobRecipients(
  job: Pick<DeliveryJob, 'recipientIds'>,
  people: Parameters<typeof recipientsOf>[0],
  options: {
    today: CalendarDate;
    locales: readonly string[];
    state: string | undefined;
    content: DeliveryContent;
  },
): Recipient[] {
  const { today, content } = options;
  const all = recipientsOf(people, today, [...options.locales], {
    state: options.state,
    ...(content === 'meeting-documents' || content === 'procedural-safeguards'
      ? {}
      : { notice: content }),
  });
  return job.recipientIds
    ? job.recipientIds.map(
        (id) => all.find((r) => r.recipientId === id) ?? notARecipient(id, today),
      )
    : all;
}

/**
 * A recipient a job names who is not among the decision's recipients today (a guardian no
 * longer on it; the student before rights transfer, for anything but the majority notice):
 * recorded as a delivery problem, so the notice shows up as undelivered instead of vanishing.
 */
function notARecipient(recipientId: string, today: string): Recipient {
  const why =
    recipientId === STUDENT_RECIPIENT
      ? 'the student receives this only once rights have transferred (300.520)'
      : 'no guardian with this id on the decision';
  return {
    recipientId,
    name: '',
    preferredLanguage: 'en',
    languages: ['en'],
    messageLanguage: 'en',
    problem: `not a recipient of this decision on ${today}: ${why}`,
  };
}
