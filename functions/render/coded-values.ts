/**
 * Coded values as a document prints them: a code in the document's language from the locale
 * (`codes` in `templates/locales/*.json`); a district's own words as given (or as translated,
 * when the decision carries a translation: `translated-decision.ts`).
 */
import { disabilityCodes, isCode, providerRoles } from '../core/codes.ts';
import type { Locale } from './locales.ts';

/** A disability category (34 CFR 300.8) in the document's language. */
export function disabilityLabel(value: string, t: Locale): string {
  return isCode(disabilityCodes, value) ? t.codes.disabilities[value] : value;
}

/** Who provides a service (300.34, 300.320(a)(4)) in the document's language. */
export function providerLabel(value: string | undefined, t: Locale): string {
  if (!value) return '';
  return isCode(providerRoles, value) ? t.codes.providerRoles[value] : value;
}
