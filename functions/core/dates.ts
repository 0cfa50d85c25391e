/**
 * Calendar dates as the district writes them: `YYYY-MM-DD` strings in the district's
 * local calendar. They compare correctly as strings, so no Date object (and no time
 * zone) is involved in any rule. The clock never appears here: "today" is passed in.
 */

/** A calendar date, `YYYY-MM-DD`. */
export type CalendarDate = string;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Ymd {
  year: number;
  month: number;
  day: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parse(date: CalendarDate): Ymd {
  const m = DATE.exec(date);
  if (!m) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`not a calendar date (YYYY-MM-DD): ${date}`);
  }
  return { year, month, day };
}

function format({ year, month, day }: Ymd): CalendarDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** True when `value` is a real calendar date in `YYYY-MM-DD` form (rejects 2027-02-29). */
export function isCalendarDate(value: string): boolean {
  try {
    parse(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The same month and day `years` later. 29 February falls on 28 February in a year
 * without one (the contract's rule for meetings, evaluations and birthdays).
 */
export function addYears(date: CalendarDate, years: number): CalendarDate {
  const { year, month, day } = parse(date);
  const target = year + years;
  return format({ year: target, month, day: Math.min(day, daysInMonth(target, month)) });
}

/** The date `days` later (negative: earlier). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  const { year, month, day } = parse(date);
  const t = new Date(Date.UTC(year, month - 1, day + days));
  return format({ year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() });
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: CalendarDate, to: CalendarDate): number {
  const a = parse(from);
  const b = parse(to);
  return Math.round(
    (Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000,
  );
}

/** The day before the `years`-th anniversary of `date`: the last day of a period of `years`. */
export function dayBeforeAnniversary(date: CalendarDate, years: number): CalendarDate {
  return addDays(addYears(date, years), -1);
}

/** The date a person born on `dateOfBirth` reaches `age`. */
export function birthdayAtAge(dateOfBirth: CalendarDate, age: number): CalendarDate {
  return addYears(dateOfBirth, age);
}

/** The calendar date of an instant in an IANA time zone (how "today" is read in a district). */
export function calendarDateIn(instant: Date, timeZone: string): CalendarDate {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Answers of {@link isTimeZone}: the check builds a formatter, which is slow. */
const timeZones = new Map<string, boolean>();

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  let known = timeZones.get(zone);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      known = zone.length > 0;
    } catch {
      known = false;
    }
    // Bounded: zone names come from input, and a long run must not grow this without end.
    if (timeZones.size < 1_000) timeZones.set(zone, known);
  }
  return known;
}
