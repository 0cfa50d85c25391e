import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { languagesFor, recipientsOf } from '../../functions/core/recipients.ts';
import { checkDecision } from '../../functions/core/validate.ts';
import { sampleDecision } from '../fixtures/decisions.ts';

describe('recipients of a decision', () => {
  it('sends email to a guardian who consented and postal mail to one who did not', () => {
    // Prepare: the Spanish sample has one guardian with email consent and one without.
    const decision = sampleDecision('transition-es');

    // Act
    const recipients = recipientsOf(decision, '2026-11-20', ['en', 'es']);

    // Assess
    expect(recipients.map((r) => [r.recipientId, r.channel])).toEqual([
      ['G-1', 'email'],
      ['G-2', 'postal'],
    ]);
    expect(recipients[0]?.email).toBe('ana.soto@example.com');
    expect(recipients[1]?.postalAddress?.line1).toBeTruthy();
  });

  it('offers the recipient language first, then English', () => {
    const decision = sampleDecision('transition-es');

    const [first] = recipientsOf(decision, '2026-11-20', ['en', 'es']);

    expect(first?.languages).toEqual(['es', 'en']);
    expect(first?.messageLanguage).toBe('es');
    expect(first?.translationNeeded).toBeUndefined();
  });

  it('offers English only and records the translation needed when no locale serves the language', () => {
    const decision = sampleDecision('transition-es');

    const [first] = recipientsOf(decision, '2026-11-20', ['en']);

    expect(first?.languages).toEqual(['en']);
    expect(first?.messageLanguage).toBe('en');
    expect(first?.translationNeeded).toBe('es');
  });

  it('matches a regional tag to its language locale', () => {
    expect(languagesFor('es-MX', ['en', 'es'])).toEqual({
      languages: ['es', 'en'],
      messageLanguage: 'es',
    });
    expect(languagesFor('en-US', ['en', 'es'])).toEqual({
      languages: ['en'],
      messageLanguage: 'en',
    });
  });

  it('adds the student once rights have transferred at the age of majority, not the day before', () => {
    // Prepare: born 2010-12-30 in a state where rights transfer at 18.
    const decision = sampleDecision('transition-es', (raw) => {
      raw.student.contact = {
        email: 'student@example.com',
        preferredLanguage: 'en',
        electronicNoticeConsent: { given: true, date: '2028-12-30' },
      };
    });

    // Act
    const before = recipientsOf(decision, '2028-12-29', ['en']);
    const onTheDay = recipientsOf(decision, '2028-12-30', ['en']);

    // Assess
    expect(before.map((r) => r.recipientId)).toEqual(['G-1', 'G-2']);
    expect(onTheDay.map((r) => [r.recipientId, r.channel])).toEqual([
      ['G-1', 'email'],
      ['G-2', 'postal'],
      ['student', 'email'],
    ]);
  });

  it('records a problem for an adult student reachable by neither channel, never skipping them', () => {
    const decision = sampleDecision('transition-es', (raw) => {
      raw.student.contact = {
        email: 'student@example.com',
        electronicNoticeConsent: { given: false, date: '2028-12-30' },
      };
    });

    const student = recipientsOf(decision, '2029-01-15', ['en']).find(
      (r) => r.recipientId === 'student',
    );

    expect(student).toBeDefined();
    expect(student?.channel).toBeUndefined();
    expect(student?.problem).toMatch(/no consent.*no postal address/);
  });

  it('sends the adult student postal mail when they gave an address but no consent', () => {
    const decision = sampleDecision('transition-es', (raw) => {
      raw.student.contact = {
        postalAddress: { line1: '1 Elm St', city: 'Springfield', state: 'CA', postalCode: '95001' },
      };
    });

    const student = recipientsOf(decision, '2029-01-15', ['en']).find(
      (r) => r.recipientId === 'student',
    );

    expect(student?.channel).toBe('postal');
  });
});

describe('recipients of the project decisions', () => {
  const fixture = (name: string) => {
    const raw = JSON.parse(
      readFileSync(new URL(`../fixtures/decisions/${name}.json`, import.meta.url), 'utf8'),
    );
    const checked = checkDecision(raw);
    if (checked.kind !== 'checked') throw new Error(`${name} does not parse`);
    return checked.decision;
  };
  const today = '2026-11-28';

  it.each([
    [
      'sample transition-es',
      () => sampleDecision('transition-es'),
      [
        ['G-1', 'email'],
        ['G-2', 'postal'],
      ],
    ],
    ['sample amendment-en', () => sampleDecision('amendment-en'), [['G-1', 'email']]],
    [
      'sample annual-grade4-en',
      () => sampleDecision('annual-grade4-en'),
      [
        ['G-1', 'email'],
        ['G-2', 'email'],
      ],
    ],
    [
      'annual-transition-es',
      () => fixture('annual-transition-es'),
      [
        ['G-1', 'email'],
        ['G-2', 'postal'],
      ],
    ],
    ['amendment-vi', () => fixture('amendment-vi'), [['G-1', 'email']]],
    [
      'annual-elementary-en',
      () => fixture('annual-elementary-en'),
      [
        ['G-1', 'email'],
        ['G-2', 'email'],
      ],
    ],
    [
      'initial-zh',
      () => fixture('initial-zh'),
      [
        ['G-1', 'email'],
        ['G-2', 'email'],
      ],
    ],
    ['majority-ar (the student is 17)', () => fixture('majority-ar'), [['G-1', 'email']]],
  ] as const)('%s: the channel each recipient gets', (_name, load, expected) => {
    expect(recipientsOf(load(), today, ['en']).map((r) => [r.recipientId, r.channel])).toEqual(
      expected,
    );
  });

  it('majority-ar: the majority notice goes to the student as well as the parent before rights transfer', () => {
    // Act: 90 days before the 18th birthday (2027-06-15), when the notice is sent.
    const recipients = recipientsOf(fixture('majority-ar'), '2027-03-17', ['en'], {
      notice: 'majority-notice',
    });

    // Assess
    expect(recipients.map((r) => [r.recipientId, r.channel, r.email])).toEqual([
      ['G-1', 'email', 'layla.haddad@example.com'],
      ['student', 'email', 'omar.haddad@example.com'],
    ]);
  });

  it.each([
    ['the meeting documents', {}],
    ['the annual-review notice', { notice: 'annual-review-notice' }],
  ] as const)('majority-ar: %s go to the parent only before rights transfer', (_name, options) => {
    const recipients = recipientsOf(fixture('majority-ar'), '2027-03-17', ['en'], options);

    expect(recipients.map((r) => r.recipientId)).toEqual(['G-1']);
  });

  it('majority-ar: a student with no contact on the decision is a majority-notice recipient with the problem said', () => {
    // Prepare: no contact at all; the student's home language stands in for a preferred one.
    const decision = fixture('majority-ar');
    const { contact: _contact, ...student } = decision.student;

    const recipients = recipientsOf({ ...decision, student }, '2027-03-17', ['en', 'ar'], {
      notice: 'majority-notice',
    });

    expect(recipients[1]).toMatchObject({
      recipientId: 'student',
      preferredLanguage: 'ar',
      languages: ['ar', 'en'],
      problem: 'neither an email address with consent to electronic notice nor a postal address',
    });
    expect(recipients[1]?.channel).toBeUndefined();
  });

  it('majority-ar: the student joins by email on their 18th birthday', () => {
    const recipients = recipientsOf(fixture('majority-ar'), '2027-06-15', ['en']);

    expect(recipients.map((r) => [r.recipientId, r.channel, r.email])).toEqual([
      ['G-1', 'email', 'layla.haddad@example.com'],
      ['student', 'email', 'omar.haddad@example.com'],
    ]);
  });
});
