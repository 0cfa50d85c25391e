/**
 * One date style per language: a date a district typed into free text as `YYYY-MM-DD` ("the
 * IEP dated 2026-11-20") is printed as the text's language writes dates ("the IEP dated
 * November 20, 2026"), like every date the templates print.
 */
import { formatDate, type Locale } from './locales.ts';

/** An ISO calendar date standing alone (not part of an id such as `S-2026-11-20-A`). */
const ISO_DATE = /(?<![\p{L}\p{N}_-])(\d{4})-(\d{2})-(\d{2})(?![\p{L}\p{N}_-])/gu;

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `text` with each ISO date in it written as `locale` writes a long date. */
export function longDatesIn(text: string, locale: Locale): string {
  return text.replace(ISO_DATE, (whole, y: string, m: string, d: string) =>
    isCalendarDate(Number(y), Number(m), Number(d)) ? formatDate(whole, locale) : whole,
  );
}

/**
 * A document's view with the ISO dates of its strings written in `locale`'s style. The
 * locale's own texts (`t`) are left as they are: they hold no dates, only placeholders.
 */
export function withLongDates<T>(view: T, locale: Locale): T {
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return longDatesIn(value, locale);
    if (Array.isArray(value)) return value.map(walk);
    if (
      value !== null &&
      typeof value === 'object' &&
      Object.getPrototypeOf(value) === Object.prototype
    )
      return Object.fromEntries(
        Object.entries(value).map(([key, inner]) => [key, key === 't' ? inner : walk(inner)]),
      );
    return value;
  };
  return walk(view) as T;
}
