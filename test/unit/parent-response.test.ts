/**
 * The rules of an online answer (core/parent-response.ts): who may answer (300.9, 300.300(b),
 * 300.520), what a valid answer is (ESIGN 7001(c), a typed signature, excepted ids of the
 * offer), supersession, and the consent each answer leads to.
 */
import { describe, expect, it } from 'vitest';
import type { Consent } from '../../functions/core/consent.ts';
import {
  answeringRight,
  answerSequence,
  consentEffect,
  ESIGN_CONSENT_VERSION,
  MAX_MESSAGE_LENGTH,
  MAX_SIGNATURE_LENGTH,
  type OfferItems,
  validateResponse,
} from '../../functions/core/parent-response.ts';

const offer: OfferItems = { serviceIds: ['svc-speech', 'svc-ot'], sectionIds: ['placement'] };
const signed = { signature: 'Maria Lopez', esign: 'yes' };
const pending: Consent = { status: 'pending', declined: [] };
const ON = '2026-12-05';

describe('who may answer', () => {
  it('lets a guardian holding educational rights answer (300.9, 300.300(b))', () => {
    expect(
      answeringRight({ recipientId: 'g1', isStudent: false, educationalRightsHolder: true }, false),
    ).toEqual({ may: true });
  });
  it('lets a guardian without educational rights read only', () => {
    expect(
      answeringRight(
        { recipientId: 'g2', isStudent: false, educationalRightsHolder: false },
        false,
      ),
    ).toEqual({
      may: false,
      reason: 'no-educational-rights',
    });
  });
  it('gives the answer to the adult student once rights transferred (300.520(a)(1)(i))', () => {
    expect(answeringRight({ recipientId: 'student', isStudent: true }, true)).toEqual({
      may: true,
    });
    expect(
      answeringRight({ recipientId: 'g1', isStudent: false, educationalRightsHolder: true }, true),
    ).toEqual({
      may: false,
      reason: 'rights-transferred',
    });
  });
  it('does not let a student answer before the transfer (a majority notice reaches them early)', () => {
    expect(answeringRight({ recipientId: 'student', isStudent: true }, false)).toEqual({
      may: false,
      reason: 'not-yet-adult',
    });
  });
});

describe('a valid answer', () => {
  it('accepts agree with a typed signature and the e-sign consent, recording the consent text version', () => {
    const result = validateResponse(
      { response: 'agree', signature: '  Maria   Lopez ', esign: 'yes' },
      offer,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        response: 'agree',
        except: [],
        signature: 'Maria Lopez',
        esignConsentVersion: ESIGN_CONSENT_VERSION,
      },
    });
  });
  it('keeps the excepted ids in the offer order, duplicates once', () => {
    const result = validateResponse(
      { response: 'agree-except', except: ['placement', 'svc-ot', 'svc-ot'], ...signed },
      offer,
    );
    expect(result.ok && result.value.except).toEqual(['svc-ot', 'placement']);
  });
  it('refuses an excepted id that is not the version\u2019s service or section', () => {
    const result = validateResponse(
      { response: 'agree-except', except: ['svc-other'], ...signed },
      offer,
    );
    expect(result).toEqual({ ok: false, problems: [{ field: 'except', problem: 'unknown' }] });
  });
  it('asks for at least one excepted item, and calls excepting every item a refusal', () => {
    expect(validateResponse({ response: 'agree-except', ...signed }, offer)).toMatchObject({
      problems: [{ field: 'except', problem: 'none-excepted' }],
    });
    const all = validateResponse(
      { response: 'agree-except', except: ['svc-speech', 'svc-ot', 'placement'], ...signed },
      offer,
    );
    expect(all).toMatchObject({ problems: [{ field: 'except', problem: 'all-excepted' }] });
  });
  it('does not take excepted items with another answer', () => {
    expect(
      validateResponse({ response: 'agree', except: ['svc-ot'], ...signed }, offer),
    ).toMatchObject({
      problems: [{ field: 'except', problem: 'not-allowed' }],
    });
  });
  it('requires the ESIGN 7001(c) consent and a typed signature, reporting every problem at once', () => {
    const result = validateResponse({ response: 'refuse', signature: '   ' }, offer);
    expect(result).toEqual({
      ok: false,
      problems: [
        { field: 'signature', problem: 'required' },
        { field: 'esign', problem: 'required' },
      ],
    });
  });
  it('requires an answer from the four', () => {
    expect(validateResponse({ response: 'maybe', ...signed }, offer)).toMatchObject({
      problems: [{ field: 'response', problem: 'required' }],
    });
  });
  it('keeps a meeting request\u2019s message and bounds its length and the signature\u2019s', () => {
    const ok = validateResponse(
      { response: 'meeting', message: ' Can we talk about OT? ', ...signed },
      offer,
    );
    expect(ok.ok && ok.value.message).toBe('Can we talk about OT?');
    const long = validateResponse(
      {
        response: 'meeting',
        message: 'x'.repeat(MAX_MESSAGE_LENGTH + 1),
        signature: 'y'.repeat(MAX_SIGNATURE_LENGTH + 1),
        esign: 'yes',
      },
      offer,
    );
    expect(long).toMatchObject({
      problems: [
        { field: 'message', problem: 'too-long' },
        { field: 'signature', problem: 'too-long' },
      ],
    });
  });
  it('drops a message sent with an answer other than a meeting', () => {
    const result = validateResponse({ response: 'agree', message: 'hello', ...signed }, offer);
    expect(result.ok && 'message' in result.value).toBe(false);
  });
});

describe('one answer per recipient per version', () => {
  it('numbers the first answer 1 and makes a later one supersede the latest, keeping both', () => {
    expect(answerSequence([])).toEqual({ sequence: 1 });
    const recorded = [
      { responseId: 'r1', response: 'agree' as const, signedAt: '2026-12-05T10:00:00Z' },
      { responseId: 'r2', response: 'refuse' as const, signedAt: '2026-12-06T10:00:00Z' },
    ];
    expect(answerSequence(recorded)).toEqual({ sequence: 3, supersedes: 'r2' });
  });
});

describe('the consent an answer leads to (300.300(b), 300.300(d)(3))', () => {
  const services = offer.serviceIds;
  it('agree → given, and nobody need be told', () => {
    expect(consentEffect(pending, { response: 'agree', except: [] }, ON, services)).toEqual({
      consent: { status: 'given', date: ON, declined: [] },
      notifyCaseManager: false,
    });
  });
  it('agree-except → partial with the excepted services declined', () => {
    expect(
      consentEffect(
        pending,
        { response: 'agree-except', except: ['svc-ot', 'placement'] },
        ON,
        services,
      ),
    ).toEqual({
      consent: { status: 'partial', date: ON, declined: ['svc-ot'] },
      notifyCaseManager: true,
    });
  });
  it('agree-except of a section only consents to every service, and the case manager hears of the section', () => {
    expect(
      consentEffect(pending, { response: 'agree-except', except: ['placement'] }, ON, services),
    ).toEqual({
      consent: { status: 'given', date: ON, declined: [] },
      notifyCaseManager: true,
    });
  });
  it('refuse → refused (300.300(b)(3))', () => {
    expect(
      consentEffect(pending, { response: 'refuse', except: [] }, ON, services).consent,
    ).toEqual({
      status: 'refused',
      date: ON,
      declined: [],
    });
  });
  it('meeting leaves consent as it is and tells the case manager', () => {
    expect(consentEffect(pending, { response: 'meeting', except: [] }, ON, services)).toEqual({
      consent: pending,
      notifyCaseManager: true,
    });
  });
  it('a later refusal after consent is a revocation for all services (300.300(b)(4))', () => {
    const given: Consent = { status: 'given', date: '2026-12-01', declined: [] };
    expect(consentEffect(given, { response: 'refuse', except: [] }, ON, services)).toEqual({
      consent: { ...given, revokedOn: ON },
      notifyCaseManager: true,
    });
  });
  it('a later different agreement replaces the consent and tells the case manager', () => {
    const given: Consent = { status: 'given', date: '2026-12-01', declined: [] };
    expect(
      consentEffect(given, { response: 'agree-except', except: ['svc-speech'] }, ON, services),
    ).toEqual({
      consent: { status: 'partial', date: ON, declined: ['svc-speech'] },
      notifyCaseManager: true,
    });
  });
  it('a refused or revoked consent is left for the district, which is told', () => {
    const refused: Consent = { status: 'refused', date: '2026-12-01', declined: [] };
    expect(consentEffect(refused, { response: 'agree', except: [] }, ON, services)).toEqual({
      consent: refused,
      notifyCaseManager: true,
    });
  });
  it('a decision that records no consent keeps none; a non-agreement still reaches the case manager', () => {
    expect(consentEffect(undefined, { response: 'agree', except: [] }, ON, services)).toEqual({
      notifyCaseManager: false,
    });
    expect(consentEffect(undefined, { response: 'refuse', except: [] }, ON, services)).toEqual({
      notifyCaseManager: true,
    });
  });
});
