import { describe, expect, it } from 'vitest';
import { addYears, calendarDateIn, dayBeforeAnniversary } from '../../functions/core/dates.ts';
import { documentId, documentS3Key, planDocuments } from '../../functions/core/documents.ts';
import { matchLocale } from '../../functions/core/languages.ts';
import { annualReviewDueDate, reevaluationDueDate } from '../../functions/core/milestones.ts';
import { sampleDecision } from '../fixtures/decisions.ts';

describe('calendar dates', () => {
  it('puts the anniversary of 29 February on 28 February in other years', () => {
    expect(addYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(dayBeforeAnniversary('2028-02-29', 1)).toBe('2029-02-27');
    expect(addYears('2028-02-29', 4)).toBe('2032-02-29');
  });

  it('reads today in the district time zone, not in UTC', () => {
    const instant = new Date('2027-10-20T06:30:00Z'); // 23:30 on the 19th in Los Angeles
    expect(calendarDateIn(instant, 'America/Los_Angeles')).toBe('2027-10-19');
    expect(calendarDateIn(instant, 'UTC')).toBe('2027-10-20');
  });
});

describe('milestones', () => {
  it('makes the annual review due the day before the first anniversary of the meeting', () => {
    expect(annualReviewDueDate(sampleDecision())).toBe('2027-11-19');
  });

  it('keeps the clock of the amended meeting for an amendment', () => {
    expect(annualReviewDueDate(sampleDecision('amendment-en'))).toBe('2027-04-29');
  });

  it('makes the reevaluation due the day before the third anniversary of the last evaluation', () => {
    expect(reevaluationDueDate(sampleDecision())).toBe('2027-10-14');
  });
});

describe('languages', () => {
  it.each([
    ['es-MX', 'es'],
    ['zh', 'zh-Hans'],
    ['zh-Hans-CN', 'zh-Hans'],
    ['fil', 'tl'],
    ['EN-us', 'en'],
  ])('serves %s with the %s locale', (tag, locale) => {
    expect(matchLocale(tag, ['en', 'es', 'zh-Hans', 'tl'])).toBe(locale);
  });

  it('finds no locale for a language the product does not have', () => {
    expect(matchLocale('am', ['en', 'es'])).toBeUndefined();
  });
});

describe('document planning', () => {
  it('plans English always, then each recipient language once', () => {
    const plan = planDocuments(sampleDecision('transition-es'), ['en', 'es']);
    expect(plan.languages).toEqual(['en', 'es']);
    expect(plan.documents).toHaveLength(4);
  });

  it('records a language it has no locale for as translation needed', () => {
    const plan = planDocuments(sampleDecision('transition-es'), ['en']);
    expect(plan).toMatchObject({ languages: ['en'], translationNeeded: ['es'] });
  });

  it('derives a stable id and a key with no student data', () => {
    const d = sampleDecision();
    const key = { ...d, type: 'iep' as const, language: 'en' };
    expect(documentId(key)).toBe(documentId({ ...key }));
    expect(documentId(key)).not.toBe(documentId({ ...key, version: 2 }));
    expect(documentS3Key(key)).toBe(
      `districts/example-usd/decisions/${d.decisionId}/v1/iep.en.pdf`,
    );
    expect(documentS3Key(key)).not.toContain(d.student.studentId);
  });
});
