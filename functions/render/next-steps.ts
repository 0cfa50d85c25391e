/**
 * "What happens next" in the prior written notice: what the parent may do about the action
 * (agree, disagree, ask for a meeting, mediation, due process, a state complaint: the
 * safeguards 34 CFR 300.504(c) lists), by when, and whom to call.
 */
import { consentState, endsServices } from '../core/consent.ts';
import { formatDate, localize, localizeSegments, type TextSegment } from './locales.ts';
import type { DocumentContext } from './view-model.ts';

const plain = (text: string): TextSegment[] => [{ text, unbroken: false }];

/** The notice's next steps, one list item each (phone and email kept on one line). */
export function nextSteps(ctx: DocumentContext): TextSegment[][] {
  const { decision: d, district, locale: t } = ctx;
  const texts = t.pwn.next;
  // "By when": the day the IEP takes effect, when that is still ahead of the meeting; none
  // when the notice ends services (refused or revoked consent, an exit): no IEP starts.
  const ends = endsServices(consentState(d)) || d.exit !== undefined;
  const start = !ends && d.iep.startDate > d.meeting.date ? formatDate(d.iep.startDate, t) : null;
  const contact = {
    name: d.caseManager.name,
    phone: d.caseManager.phone ?? district.phone,
    email: d.caseManager.email ?? district.email,
  };
  // The initial provision of services needs the parent's written consent (300.300(b)): asked
  // for unless the decision records it given (or refused, or revoked: nothing to consent to).
  const consent = consentState(d).kind;
  const agree =
    d.meeting.type === 'initial' && (consent === 'pending' || consent === 'not-recorded')
      ? texts.agreeInitial
      : start
        ? localize(t, texts.agree, { date: start })
        : texts.agreeNow;
  const disagree = start
    ? localizeSegments(t, texts.disagree, { ...contact, date: start }, ['phone', 'email'])
    : localizeSegments(t, texts.disagreeNow, contact, ['phone', 'email']);
  return [
    plain(agree),
    disagree,
    plain(texts.meeting),
    plain(texts.mediation),
    plain(texts.dueProcess),
    plain(texts.stateComplaint),
    plain(texts.safeguards),
  ];
}
