/**
 * Coded values of schemaVersion 2: what a district's system can send as a code, so that every
 * document prints it in the reader's language from the locales, with no translator. A district
 * that has no code for a value sends its own words instead (as version 1 always did); those are
 * printed as given and are free text for the translation office (`translatable.ts`).
 */
import { z } from 'zod';

/**
 * The disability categories of 34 CFR 300.8(c)(1)-(13), and developmental delay (300.8(b)),
 * which a state may use for a child aged three through nine.
 */
export const disabilityCodes = [
  'autism',
  'deaf-blindness',
  'deafness',
  'emotional-disturbance',
  'hearing-impairment',
  'intellectual-disability',
  'multiple-disabilities',
  'orthopedic-impairment',
  'other-health-impairment',
  'specific-learning-disability',
  'speech-or-language-impairment',
  'traumatic-brain-injury',
  'visual-impairment',
  'developmental-delay',
] as const;

/**
 * Who provides a service: the teachers of 300.321(a) and the related-services personnel of
 * 300.34 (speech-language pathology, audiology, psychological services, physical and
 * occupational therapy, counseling, orientation and mobility, school nurse, social work,
 * interpreting), with the paraprofessionals of 300.156(b)(2)(iii) and transition staff.
 */
export const providerRoles = [
  'special-education-teacher',
  'general-education-teacher',
  'speech-language-pathologist',
  'occupational-therapist',
  'physical-therapist',
  'school-psychologist',
  'school-counselor',
  'school-social-worker',
  'school-nurse',
  'audiologist',
  'orientation-and-mobility-specialist',
  'teacher-of-the-visually-impaired',
  'teacher-of-the-deaf',
  'behavior-specialist',
  'assistive-technology-specialist',
  'interpreter',
  'paraprofessional',
  'transition-specialist',
] as const;

/**
 * Where a service is given (300.320(a)(4), (a)(5)): in general education, in a special
 * education setting, or elsewhere (home, hospital, community). `outside-general-education`
 * is version 1's one code for the last two, still accepted.
 */
export const settingCodes = [
  'general-education',
  'special-education',
  'other',
  'outside-general-education',
] as const;

export type DisabilityCode = (typeof disabilityCodes)[number];
export type ProviderRole = (typeof providerRoles)[number];

/**
 * A value given as one of `codes`, or, where the district has no code, in its own words
 * (printed as given). The published JSON Schema shows both (`anyOf`).
 */
export function codeOrText<T extends readonly [string, ...string[]]>(
  codes: T,
  words: z.ZodString,
  description: string,
) {
  return z
    .union([z.enum(codes), words])
    .meta({ description: `${description}: one of the codes, or the district's own words.` });
}

/** Whether `value` is one of `codes` (then it prints from the locales, in every language). */
export function isCode<T extends string>(codes: readonly T[], value: string): value is T {
  return (codes as readonly string[]).includes(value);
}
