/**
 * The consent the calendar follows (core/consent-in-force.ts): the decision's consent overlaid
 * by the answers of rights holders to the version planned, and the calendar after it changes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveCalendarEntries } from '../../functions/core/calendar.ts';
import type { Consent } from '../../functions/core/consent.ts';
import {
  type ConsentAnswer,
  consentInForce,
  replanForConsent,
} from '../../functions/core/consent-in-force.ts';
import type { Decision } from '../../functions/core/decision.ts';
import { checkDecision } from '../../functions/core/validate.ts';

const pending = (): Decision => {
  const raw = JSON.parse(
    readFileSync(new URL('../../samples/consent/initial-pending-en.json', import.meta.url), 'utf8'),
  );
  const checked = checkDecision(raw);
  if (checked.kind !== 'checked') throw new Error('sample does not parse');
  return checked.decision;
};
const withConsent = (d: Decision, consent: Consent | undefined): Decision => {
  const { consent: _, ...rest } = d;
  return (consent ? { ...rest, consent } : rest) as Decision;
};

let n = 0;
const answer = (
  response: ConsentAnswer['response'],
  extra: Partial<ConsentAnswer> = {},
): ConsentAnswer => {
  n += 1;
  return {
    version: 1,
    recipientId: 'G-1',
    response,
    except: [],
    signedAt: `2026-10-0${n % 9}T12:00:00.000Z`,
    on: `2026-10-0${n % 9}`,
    ...extra,
  };
};
const everyone = () => true;

describe('consentInForce', () => {
  it('keeps the decision consent when no one answered', () => {
    const d = pending();
    expect(consentInForce(d, [], everyone)).toEqual(d.consent);
  });

  it('gives consent on agree, partial on agree-except, refused on refuse (300.300(b), (d)(3))', () => {
    const d = pending();
    n = 0;
    expect(consentInForce(d, [answer('agree')], everyone)).toMatchObject({
      status: 'given',
      date: '2026-10-01',
    });
    expect(
      consentInForce(d, [answer('agree-except', { except: ['SV2', 'goals'] })], everyone),
    ).toEqual({ status: 'partial', date: '2026-10-02', declined: ['SV2'] });
    expect(consentInForce(d, [answer('refuse')], everyone)).toMatchObject({ status: 'refused' });
  });

  it('counts only rights holders and only the version planned', () => {
    const d = pending();
    const notHolder = answer('agree', { recipientId: 'G-2' });
    const otherVersion = answer('agree', { version: 2 });
    expect(consentInForce(d, [notHolder, otherVersion], (a) => a.recipientId === 'G-1')).toEqual(
      d.consent,
    );
  });

  it('reads a refusal after consent was given as a revocation (300.300(b)(4)), whoever of the rights holders signs it', () => {
    const d = pending();
    const agreed = answer('agree', { signedAt: '2026-10-01T09:00:00Z', on: '2026-10-01' });
    const refused = answer('refuse', {
      recipientId: 'G-2',
      signedAt: '2026-10-05T09:00:00Z',
      on: '2026-10-05',
    });
    // Given in any order: the answers are applied as signed.
    expect(consentInForce(d, [refused, agreed], everyone)).toMatchObject({
      status: 'given',
      date: '2026-10-01',
      revokedOn: '2026-10-05',
    });
  });

  it('leaves consent as it is on a request for a meeting, and says nothing where the decision records none', () => {
    const d = pending();
    expect(consentInForce(d, [answer('meeting')], everyone)).toEqual(d.consent);
    expect(consentInForce(withConsent(d, undefined), [answer('agree')], everyone)).toBeUndefined();
  });
});

describe('replanForConsent', () => {
  const options = { state: 'CA' };

  it('plans no entry while consent is pending, and the annual review once given', () => {
    const d = pending();
    expect(replanForConsent([], d, options).add).toEqual([]);
    const given = withConsent(d, { status: 'given', date: '2026-10-01', declined: [] });
    const result = replanForConsent([], given, options);
    expect(result.outcome).toBe('applied');
    expect(result.add.map((e) => e.entry)).toContain('annual-review');
    // Idempotent: the same replan again changes nothing.
    const again = replanForConsent(result.entries, given, options);
    expect(again).toMatchObject({ outcome: 'already-applied', add: [], cancel: [] });
  });

  it('runs the calendar on partial consent: the services consented to are provided (300.300(d)(3))', () => {
    const partial = withConsent(pending(), {
      status: 'partial',
      date: '2026-10-01',
      declined: ['SV2'],
    });
    expect(replanForConsent([], partial, options).add.map((e) => e.entry)).toContain(
      'annual-review',
    );
  });

  it('plans nothing after a refusal of initial consent (300.300(b)(3))', () => {
    const refused = withConsent(pending(), { status: 'refused', date: '2026-10-01', declined: [] });
    expect(replanForConsent([], refused, options).add).toEqual([]);
  });

  it('cancels the pending entries on a revocation and keeps the others as they were (300.300(b)(4), 300.9(c)(2))', () => {
    const given = withConsent(pending(), { status: 'given', date: '2026-10-01', declined: [] });
    const entries = deriveCalendarEntries(given, options);
    const done = {
      ...entries[0]!,
      status: 'cancelled' as const,
      cancelledBy: { decisionId: 'x', version: 1, reason: 'waived' as const },
    };
    const before = [done, ...entries.slice(1)];
    const revoked = withConsent(given, { ...given.consent!, revokedOn: '2026-11-01' });
    const result = replanForConsent(before, revoked, options);
    expect(result.cancel.length).toBe(entries.length - 1);
    expect(result.cancel.every((e) => e.cancelledBy?.reason === 'consent-revoked')).toBe(true);
    expect(result.entries.find((e) => e.entryId === done.entryId)).toEqual(done);
    expect(replanForConsent(result.entries, revoked, options)).toMatchObject({
      outcome: 'already-applied',
      cancel: [],
    });
  });
});
