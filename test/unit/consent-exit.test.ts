/**
 * Consent to the initial provision of services (300.300(b)) and leaving special education
 * (300.102(a)(3), 300.305(e)): the core model, the completeness rules, the documents each
 * state yields and what they say, and the calendar. Each block tests the edge its rule names.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { deriveCalendarEntries, overdueReport } from '../../functions/core/calendar.ts';
import { supersede } from '../../functions/core/calendar-supersede.ts';
import {
  applyParentResponse,
  type Consent,
  ConsentTransitionError,
  consentState,
  revokeConsent,
} from '../../functions/core/consent.ts';
import type { Decision } from '../../functions/core/decision.ts';
import { meetingDocumentTypes } from '../../functions/core/document-set.ts';
import type { MeetingDocumentType } from '../../functions/core/documents.ts';
import { servedOn } from '../../functions/core/exit.ts';
import { planReminders } from '../../functions/core/reminders.ts';
import { checkDecision } from '../../functions/core/validate.ts';
import { documentView } from '../../functions/render/engine.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import { compileTemplates } from '../../functions/render/templates.ts';
import { rawSample } from '../fixtures/decisions.ts';

const SAMPLES = new URL('../../samples/', import.meta.url);
const raw = (path: string): Record<string, any> =>
  JSON.parse(readFileSync(new URL(path, SAMPLES), 'utf8'));
const problemsOf = (input: unknown) => {
  const checked = checkDecision(input);
  if (checked.kind !== 'checked') throw new Error(JSON.stringify(checked.problems));
  return checked.problems;
};
const decision = (input: unknown): Decision => {
  const checked = checkDecision(input);
  if (checked.kind !== 'checked' || checked.problems.length > 0)
    throw new Error(JSON.stringify(checked.kind === 'checked' ? checked.problems : checked));
  return checked.decision;
};
/** Schema only: for calendar tests, whose decisions need not pass every document rule. */
const parsedOnly = (input: unknown): Decision => {
  const checked = checkDecision(input);
  if (checked.kind !== 'checked') throw new Error(JSON.stringify(checked.problems));
  return checked.decision;
};
const rulesOf = (input: unknown) => problemsOf(input).map((p) => `${p.rule} ${p.path}`);

const templates = compileTemplates();
const locales = loadLocales();
const district = loadDistrictDirectory().get('example-usd');

/** A document's text as printed (tags stripped, bidi isolates removed). */
function text(d: Decision, type: MeetingDocumentType, language = 'en'): string {
  const ctx = {
    decision: d,
    district,
    locale: locales.get(language)!,
    type,
    documentId: 'doc_test',
    draft: null,
    decisionTextLanguage: 'en',
  };
  return templates.documents[type]({ ...documentView(ctx), styles: '', runningText: '' })
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/[\u2068\u2069]/g, '')
    .replace(/\s+/g, ' ');
}

const pending = () => raw('consent/initial-pending-en.json');
const given = () => raw('consent/initial-given-en.json');
const revoked = () => raw('consent/initial-revoked-en.json');
const partial = () => raw('consent/initial-partial-es.json');
const graduation = () => raw('exit/graduation-ar.json');

describe('the consent model (300.300(b))', () => {
  const offer: Consent = { status: 'pending', declined: [] };
  const services = ['SV1', 'SV2', 'SV3'];

  it('reads a parent answer: agree → given, agree-except → partial, refuse → refused', () => {
    expect(applyParentResponse(offer, { answer: 'agree', on: '2026-12-01' }, services)).toEqual({
      status: 'given',
      date: '2026-12-01',
      declined: [],
    });
    expect(
      applyParentResponse(
        offer,
        { answer: 'agree-except', on: '2026-12-01', declined: ['SV2', 'SV2'] },
        services,
      ),
    ).toEqual({ status: 'partial', date: '2026-12-01', declined: ['SV2'] });
    expect(applyParentResponse(offer, { answer: 'refuse', on: '2026-12-01' }, services)).toEqual({
      status: 'refused',
      date: '2026-12-01',
      declined: [],
    });
  });

  it('takes an answer only on a pending offer, and a partial answer names some services, not all', () => {
    const givenConsent: Consent = { status: 'given', date: '2026-12-01', declined: [] };
    expect(() =>
      applyParentResponse(givenConsent, { answer: 'refuse', on: '2026-12-02' }, services),
    ).toThrow(ConsentTransitionError);
    const except = (declined: string[]) =>
      applyParentResponse(offer, { answer: 'agree-except', on: '2026-12-01', declined }, services);
    expect(() => except(['SV9'])).toThrow(/not in the offer: SV9/);
    expect(() => except([])).toThrow(/declines no service/);
    expect(() => except(services)).toThrow(/refusal/);
  });

  it('revokes only given consent, not before it was given (300.300(b)(4))', () => {
    const givenConsent: Consent = { status: 'given', date: '2026-12-01', declined: [] };
    expect(revokeConsent(givenConsent, '2027-02-10')).toEqual({
      ...givenConsent,
      revokedOn: '2027-02-10',
    });
    expect(() => revokeConsent(givenConsent, '2026-11-30')).toThrow(/precedes/);
    expect(() => revokeConsent(offer, '2027-02-10')).toThrow(/nothing to revoke/);
    expect(consentState({ consent: { ...givenConsent, revokedOn: '2027-02-10' } })).toEqual({
      kind: 'revoked',
      on: '2027-02-10',
      consentedOn: '2026-12-01',
    });
  });
});

describe('decisions without consent or exit keep their meaning', () => {
  it('every sample of samples/decisions is accepted and yields the IEP and its notice', () => {
    const names = readdirSync(new URL('decisions/', SAMPLES)).map((f) => f.replace('.json', ''));
    for (const name of names) {
      const d = decision(rawSample(name));
      expect(consentState(d), name).toEqual({ kind: 'not-recorded' });
      expect(meetingDocumentTypes(d), name).toEqual(['iep', 'prior-written-notice']);
    }
  });
});

describe('completeness of consent', () => {
  it('accepts the samples of each state', () => {
    for (const r of [pending(), given(), revoked(), partial()]) expect(rulesOf(r)).toEqual([]);
  });

  it('a service may start on the day of consent, not the day before (300.300(b)(1))', () => {
    const r = given();
    r.consent.date = r.iep.services[0].startDate;
    expect(rulesOf(r)).toEqual([]);
    r.consent.date = '2026-12-03';
    expect(problemsOf(r)).toContainEqual(
      expect.objectContaining({
        rule: 'services-after-consent',
        path: 'iep.services[0].startDate',
        cfr: '300.300(b)(1)',
      }),
    );
  });

  it('a declined service may start before consent: it is not provided', () => {
    const r = partial();
    r.consent.date = '2026-12-05';
    for (const s of r.iep.services.slice(0, -1)) s.startDate = '2026-12-05';
    expect(r.iep.services.at(-1).startDate < r.consent.date).toBe(true);
    expect(rulesOf(r)).toEqual([]);
  });

  it('partial consent names services of this IEP, at least one and not all (300.300(d)(3))', () => {
    const unknown = partial();
    unknown.consent.declined = ['NOPE'];
    expect(rulesOf(unknown)).toEqual(['consent-declined consent.declined[0]']);
    const none = partial();
    none.consent.declined = [];
    expect(rulesOf(none)).toEqual(['consent-declined consent.declined']);
    const all = partial();
    all.consent.declined = all.iep.services.map((s: { serviceId: string }) => s.serviceId);
    expect(problemsOf(all)).toContainEqual(
      expect.objectContaining({ path: 'consent.declined', cfr: '300.300(b)(3)' }),
    );
  });

  it('an answer needs its date; a pending or refused consent belongs to an initial IEP', () => {
    const undated = given();
    delete undated.consent.date;
    expect(rulesOf(undated)).toEqual(['consent-date consent.date']);
    const annual = pending();
    annual.meeting.type = 'annual';
    expect(rulesOf(annual)).toContain('consent-initial-only consent.status');
  });

  it('a revocation follows consent that was given (300.300(b)(4))', () => {
    const early = revoked();
    early.consent.revokedOn = '2026-11-29';
    expect(rulesOf(early)).toEqual(['consent-revocation consent.revokedOn']);
    const refused = pending();
    refused.consent = { status: 'refused', date: '2026-11-30', revokedOn: '2027-01-05' };
    expect(rulesOf(refused)).toEqual(['consent-revocation consent.revokedOn']);
  });
});

describe('completeness of an exit (300.305(e)(3))', () => {
  it('graduation needs the Summary of Performance, with a recommendation for each postsecondary goal', () => {
    expect(rulesOf(graduation())).toEqual([]);
    const bare = graduation();
    delete bare.exit.summaryOfPerformance;
    expect(problemsOf(bare)).toEqual([
      expect.objectContaining({ path: 'exit.summaryOfPerformance', cfr: '300.305(e)(3)' }),
    ]);
    const thirdGoal = graduation();
    thirdGoal.iep.transition.postsecondaryGoals.independentLiving = 'Omar will live on campus.';
    expect(rulesOf(thirdGoal)).toEqual([
      'summary-of-performance exit.summaryOfPerformance.recommendations.independentLiving',
    ]);
  });

  it('a move needs no summary', () => {
    const moved = graduation();
    moved.exit = { reason: 'moved', date: '2027-03-01' };
    expect(rulesOf(moved)).toEqual([]);
    expect(meetingDocumentTypes(decision(moved))).toEqual([]);
  });
});

describe('the documents of each consent state', () => {
  it('pending: the IEP and the notice marked as the offer, and a consent form', () => {
    const d = decision(pending());
    expect(meetingDocumentTypes(d)).toEqual(['iep', 'prior-written-notice', 'consent-form']);
    for (const type of ['iep', 'prior-written-notice'] as const)
      expect(text(d, type)).toContain('Offer — services begin after your written consent');
    const form = text(d, 'consent-form');
    expect(form).toContain(
      'Consent to the Initial Provision of Special Education and Related Services',
    );
    expect(form).toContain('I give consent to all the services listed.');
    expect(form).toMatch(/I do not give consent\./);
    for (const s of d.iep.services) expect(form).toContain(s.name);
  });

  it('given: the consent date is printed, no offer mark, and the notice no longer asks for consent', () => {
    const d = decision(given());
    expect(meetingDocumentTypes(d)).toEqual(['iep', 'prior-written-notice']);
    const iep = text(d, 'iep');
    expect(iep).toContain('You gave your written consent on November 30, 2026.');
    expect(iep).not.toContain('Offer —');
    expect(text(d, 'prior-written-notice')).not.toContain(
      'please sign and return the consent form',
    );
  });

  it('partial: the declined service is printed as declined, without dates (Spanish too)', () => {
    const d = decision(partial());
    const declined = d.iep.services.at(-1)!;
    for (const [language, mark] of [
      ['en', 'Declined — not provided'],
      ['es', 'Rechazado — no se presta'],
    ] as const) {
      const iep = text(d, 'iep', language);
      const row = iep.slice(iep.indexOf(declined.name));
      expect(row.slice(0, 300), language).toContain(mark);
      expect(iep.split(mark)).toHaveLength(2);
    }
  });

  it('refused or revoked: the prior written notice alone, saying services end (300.300(b)(4)(i))', () => {
    const d = decision(revoked());
    expect(meetingDocumentTypes(d)).toEqual(['prior-written-notice']);
    const notice = text(d, 'prior-written-notice');
    expect(notice).toContain('On February 10, 2027 you revoked in writing your consent');
    // No IEP starts: the next steps name no start date.
    expect(notice).toContain('The district will carry out this action.');
    expect(notice).not.toContain('The district plans to begin');
    const refused = pending();
    refused.consent = { status: 'refused', date: '2026-11-30' };
    const r = decision(refused);
    expect(meetingDocumentTypes(r)).toEqual(['prior-written-notice']);
    expect(text(r, 'prior-written-notice', 'es')).toContain(
      'usted negó su consentimiento para la prestación inicial',
    );
  });
});

describe('the documents of a graduation (300.102(a)(3)(iii), 300.305(e)(3))', () => {
  it('the prior written notice of the change of placement and the Summary of Performance, in English and Arabic', () => {
    const d = decision(graduation());
    expect(meetingDocumentTypes(d)).toEqual(['prior-written-notice', 'summary-of-performance']);
    expect(text(d, 'prior-written-notice')).toContain(
      'Special education and related services end on June 12, 2027, when the student graduates with a regular high school diploma.',
    );
    const summary = text(d, 'summary-of-performance');
    expect(summary).toContain('Summary of Academic Achievement and Functional Performance');
    expect(summary).toContain('Register with the university disability services office');
    expect(summary).toContain('Employment');
    expect(text(d, 'summary-of-performance', 'ar')).toContain(
      'ملخص التحصيل الأكاديمي والأداء الوظيفي',
    );
  });
});

describe('the calendar and consent', () => {
  it('pending starts nothing; the next version with consent given starts it', () => {
    const offer = decision(pending());
    expect(deriveCalendarEntries(offer)).toEqual([]);
    const first = supersede([], offer);
    expect(first.add).toEqual([]);
    const consented = supersede(first.entries, decision(given()));
    expect(consented.outcome).toBe('applied');
    expect(consented.add.map((e) => e.entry)).toContain('annual-review');
    // The annual review still runs from the meeting (300.324(b)(1)(i)), not from consent.
    expect(consented.add.find((e) => e.entry === 'annual-review')?.dueDate).toBe('2027-11-23');
  });

  it('revocation cancels every pending entry with its reason, even on an amendment', () => {
    const started = supersede([], decision(given())).entries;
    const result = supersede(started, decision(revoked()));
    expect(result.add).toEqual([]);
    expect(result.cancel.length).toBe(started.filter((e) => e.status === 'pending').length);
    for (const e of result.cancel) expect(e.cancelledBy?.reason).toBe('consent-revoked');

    const amendment = revoked();
    amendment.meeting.type = 'amendment';
    amendment.meeting.amendsMeetingDate = amendment.meeting.date;
    const viaAmendment = supersede(started, parsedOnly(amendment));
    expect(viaAmendment.cancel.map((e) => e.cancelledBy?.reason)).toEqual(
      result.cancel.map(() => 'consent-revoked'),
    );
  });
});

describe('the calendar and an exit', () => {
  it('entries due after the exit date are cancelled with the reason; no reminder is planned after it', () => {
    const d = decision(graduation());
    const entries = deriveCalendarEntries(d);
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(e.exit).toEqual({ reason: 'graduated-regular-diploma', date: '2027-06-12' });
      if (e.dueDate > '2027-06-12') expect(e.cancelledBy?.reason).toBe('exited');
    }
    expect(planReminders(d, entries).filter((r) => r.sendOn > '2027-06-12')).toEqual([]);
  });

  it('an entry due before the exit is overdue until the exit date, and the student leaves the report after it', () => {
    const r = graduation();
    r.exit.date = '2027-12-31';
    const d = decision(r);
    const entries = deriveCalendarEntries(d);
    const review = entries.find((e) => e.entry === 'annual-review')!;
    expect(review.status).toBe('pending');
    expect(overdueReport(entries, '2027-12-31').map((o) => o.entry)).toContain('annual-review');
    expect(overdueReport(entries, '2028-01-01')).toEqual([]);
    const late = planReminders(d, entries).filter((x) => x.sendOn > '2027-12-31');
    expect(late).toEqual([]);
  });

  it('an exit cancels the older IEP’s pending entries too', () => {
    const older = supersede([], parsedOnly(v2OfOmar())).entries;
    expect(older.filter((e) => e.status === 'pending').length).toBeGreaterThan(0);
    const result = supersede(older, decision(graduation()));
    expect(
      result.entries.filter((e) => e.status === 'pending' && e.dueDate > '2027-06-12'),
    ).toEqual([]);
  });

  it('servedOn: through the exit date, not after', () => {
    expect(servedOn(undefined, '2099-01-01')).toBe(true);
    const exit = { reason: 'moved' as const, date: '2027-03-01' };
    expect(servedOn(exit, '2027-03-01')).toBe(true);
    expect(servedOn(exit, '2027-03-02')).toBe(false);
  });
});

/** Omar's graduation decision without its exit, as the IEP before it (an earlier meeting). */
function v2OfOmar(): Record<string, any> {
  const r = graduation();
  delete r.exit;
  r.decisionId = 'sample-0200';
  r.meeting.date = '2026-11-10';
  for (const a of r.meeting.attendees) if (a.excused) a.excused.consentDate = '2026-11-10';
  return r;
}
