/**
 * The procedural safeguards notice's rules (34 CFR 300.504): once a school year (from the
 * profile's first day), again on the events of (a)(1)-(4), and in the parent's language or
 * English with a translation needed ((d), 300.503(c)).
 */
import { describe, expect, it } from 'vitest';
import {
  givingDue,
  type SafeguardsEvent,
  safeguardsLanguage,
  schoolYearOf,
} from '../../functions/core/safeguards.ts';

const given = (event: SafeguardsEvent, schoolYear = '2026-2027', recipientId = 'G-1') => ({
  recipientId,
  schoolYear,
  event,
});

describe('the school year', () => {
  it('starts on the profile day: the day before is the year before', () => {
    expect(schoolYearOf('2026-06-30', '07-01')).toBe('2025-2026');
    expect(schoolYearOf('2026-07-01', '07-01')).toBe('2026-2027');
    expect(schoolYearOf('2027-01-15', '07-01')).toBe('2026-2027');
    expect(schoolYearOf('2026-08-14', '08-15')).toBe('2025-2026');
    expect(schoolYearOf('2026-08-15', '08-15')).toBe('2026-2027');
  });
});

describe('300.504(a): when a copy is due', () => {
  it('is due once a school year to each parent: the first delivery, not the second', () => {
    expect(givingDue([], 'G-1', '2026-2027', 'annual')).toBe(true);
    expect(givingDue([given('annual')], 'G-1', '2026-2027', 'annual')).toBe(false);
    expect(givingDue([given('annual')], 'G-2', '2026-2027', 'annual')).toBe(true);
    expect(givingDue([given('annual', '2025-2026')], 'G-1', '2026-2027', 'annual')).toBe(true);
  });

  it("counts a copy given on an event as this year's copy", () => {
    expect(givingDue([given('initial-referral')], 'G-1', '2026-2027', 'annual')).toBe(false);
  });

  it('is due on the first state complaint and the first due-process complaint of a school year only', () => {
    for (const event of ['state-complaint', 'due-process-complaint'] as const) {
      expect(givingDue([given('annual')], 'G-1', '2026-2027', event)).toBe(true);
      expect(givingDue([given(event)], 'G-1', '2026-2027', event)).toBe(false);
      expect(givingDue([given(event, '2025-2026')], 'G-1', '2026-2027', event)).toBe(true);
    }
    expect(givingDue([given('state-complaint')], 'G-1', '2026-2027', 'due-process-complaint')).toBe(
      true,
    );
  });

  it('is due on every initial referral, disciplinary removal (300.530(h)) and request', () => {
    for (const event of ['initial-referral', 'disciplinary-removal', 'parent-request'] as const)
      expect(givingDue([given(event), given('annual')], 'G-1', '2026-2027', event)).toBe(true);
  });
});

describe('300.504(d): the language of the copy', () => {
  it("is the parent's where the district has it, matched as a BCP 47 lookup", () => {
    expect(safeguardsLanguage('es-MX', ['en', 'es'])).toEqual({ language: 'es' });
  });

  it('falls back to English and records the language needing a translation', () => {
    expect(safeguardsLanguage('so', ['en', 'es'])).toEqual({
      language: 'en',
      translationNeeded: 'so',
    });
  });
});
