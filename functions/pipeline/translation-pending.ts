/**
 * A recipient whose language's documents wait for the translation office (34 CFR 300.503(c)):
 * the offer still goes out, and its message, in their language, says the translation is
 * coming and that the district explains the documents in their language meanwhile, at no
 * cost; the delivery record says so, with the day the translation was requested.
 */
import type { DistrictProfile } from '../core/district.ts';
import type { Recipient } from '../core/recipients.ts';
import { formatDate, interpolate, type Locale, languageName } from '../render/locales.ts';
import type { DeliveryRecord } from './delivery-ports.ts';
import type { DeliveryJob, TranslationPending } from './ports.ts';

/** The pending translation into the recipient's language, if the job has one. */
export function translationPendingFor(
  job: Pick<DeliveryJob, 'translationPending'>,
  recipient: Pick<Recipient, 'messageLanguage'>,
): TranslationPending | undefined {
  return job.translationPending?.find((p) => p.language === recipient.messageLanguage);
}

/** The delivery record's fields for a pending translation (none without one). */
export function pendingFields(
  job: Pick<DeliveryJob, 'translationPending'>,
  recipient: Pick<Recipient, 'messageLanguage'>,
): Pick<DeliveryRecord, 'translationPending' | 'notes'> {
  const pending = translationPendingFor(job, recipient);
  return pending
    ? {
        translationPending: pending,
        notes: [`translation pending: ${pending.language} (requested ${pending.requestedOn})`],
      }
    : {};
}

/**
 * The message's note, in the recipient's language: the translation was asked for on that day,
 * the documents in their language will follow, and meanwhile an interpreter explains them at no
 * cost (300.503(c)(2)).
 */
export function pendingNote(
  locale: Locale,
  district: Pick<DistrictProfile, 'phone'>,
  pending: TranslationPending,
): string {
  return interpolate(locale.common.translationPending, {
    language: languageName(pending.language, locale),
    date: formatDate(pending.requestedOn, locale),
    phone: district.phone,
  });
}
