/**
 * Until a language's translation is complete (34 CFR 300.503(c)), the offer still goes out:
 * the job carries the pending language and the day it was requested, the recipient's delivery
 * record says so, and the email and the cover letter say, in the recipient's language, that the
 * documents in their language will follow and how to have them explained now, at no cost.
 */
import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { documentsJob } from '../../functions/pipeline/delivery-jobs.ts';
import {
  compileDeliveryTemplates,
  composeCoverLetter,
  composeEmail,
} from '../../functions/pipeline/delivery-templates.ts';
import {
  pendingFields,
  translationPendingFor,
} from '../../functions/pipeline/translation-pending.ts';
import { type Locale, loadLocales } from '../../functions/render/locales.ts';

const templates = compileDeliveryTemplates();
const locales = loadLocales();
const es = locales.get('es') as Locale;
const district = loadDistrictDirectory().get('example-usd');
const pending = { language: 'es', requestedOn: '2026-11-20' };

const outcome = {
  decisionId: 'dec-1',
  version: 2,
  processedAt: '2026-11-20T17:03:11.201Z',
  translationPending: ['es'],
};

describe('a translation pending', () => {
  it('travels with the delivery job, with the day it was requested', () => {
    const job = documentsJob(outcome, [], 'example-usd');
    expect(job.translationPending).toEqual([pending]);
    expect(
      documentsJob({ ...outcome, translationPending: undefined }, [], 'example-usd'),
    ).not.toHaveProperty('translationPending');
  });

  it('is noted on the delivery of a recipient of that language only', () => {
    const job = documentsJob(outcome, [], 'example-usd');
    expect(translationPendingFor(job, { messageLanguage: 'es' })).toEqual(pending);
    expect(pendingFields(job, { messageLanguage: 'es' })).toEqual({
      translationPending: pending,
      notes: ['translation pending: es (requested 2026-11-20)'],
    });
    expect(pendingFields(job, { messageLanguage: 'en' })).toEqual({});
  });

  it('is said in the email and the letter, in the recipient’s language', () => {
    const expected =
      'La traducción de los documentos al español se solicitó el 20 de noviembre de 2026. Le enviaremos los documentos en español en cuanto esté lista. Mientras tanto, le explicaremos los documentos en español por medio de un intérprete, sin costo alguno para usted: llame al +1-555-0100.';
    const mail = composeEmail(templates, {
      locale: es,
      district,
      content: 'meeting-documents',
      adultStudent: false,
      link: 'https://docs.example.org/d/token',
      linkValidUntil: '2027-11-19',
      languages: ['es', 'en'],
      translationNeeded: false,
      translationPending: pending,
      attachments: false,
    });
    expect(mail.text.replace(/\s+/g, ' ')).toContain(expected);
    const { job } = composeCoverLetter(templates, {
      locale: es,
      district,
      content: 'meeting-documents',
      adultStudent: false,
      recipientName: 'Ana Soto Vega',
      address: { line1: '1 Main St', city: 'Springfield', state: 'CA', postalCode: '90000' },
      date: '2026-11-20',
      documents: [{ type: 'iep', language: 'en' }],
      translationNeeded: false,
      translationPending: pending,
    });
    expect(job.html.replace(/\s+/g, ' ')).toContain(
      'La traducción de los documentos al español se solicitó el 20 de noviembre de 2026.',
    );
    const without = composeEmail(templates, {
      locale: es,
      district,
      content: 'meeting-documents',
      adultStudent: false,
      link: 'https://docs.example.org/d/token',
      linkValidUntil: '2027-11-19',
      languages: ['es', 'en'],
      translationNeeded: false,
      attachments: false,
    });
    expect(without.text).not.toContain('La traducción de los documentos');
  });
});
