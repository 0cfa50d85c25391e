/**
 * Schema problems in words a district clerk reads: one message per problem, naming what the
 * field must be and what it holds. Zod reports a US-style date twice (the pattern and the
 * calendar check) and an impossible one as a wrong format; it lists options as
 * `"a"|"b"`. This layer reads the offending value from the input and says what is wrong.
 */
import type { z } from 'zod';
import { formatPath, type Problem } from './problems.ts';

/** The schema's message for a string that is not a `YYYY-MM-DD` date (see decision.ts). */
const CALENDAR_DATE_MESSAGE = 'expected a calendar date YYYY-MM-DD';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Schema problems of `input`, one per field and message, with dotted paths. */
export function schemaProblems(error: z.ZodError, input?: unknown): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const path = formatPath(issue.path);
    const message = describeIssue(issue, valueAt(input, issue.path), schemaVersionOf(input));
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ path, message });
  }
  return problems;
}

/** One issue in words; `value` is what the input holds at the issue's path. */
export function describeIssue(
  issue: z.core.$ZodIssue,
  value: unknown,
  schemaVersion: unknown = 1,
): string {
  if (issue.code === 'invalid_type' && value === undefined) return 'required';
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')} (not in schemaVersion ${schemaVersion})`;
  // The schema's own messages stand; zod's defaults ("Invalid option", "Invalid input") are reworded.
  const zodDefault = /^Invalid (option|input)\b/.test(issue.message);
  if (issue.code === 'invalid_value' && zodDefault && issue.values.length > 0)
    return `must be one of ${inWords(issue.values.map(String))}; it is ${shown(value)}`;
  if (issue.code === 'invalid_type' && zodDefault)
    return `must be ${kindName(issue.expected)}; it is ${shown(value)}`;
  if (issue.message.startsWith(CALENDAR_DATE_MESSAGE)) return describeDate(value);
  return issue.message;
}

/** Why a value is not a `YYYY-MM-DD` calendar date, and how to write it when we can tell. */
export function describeDate(value: unknown): string {
  if (typeof value !== 'string') return `must be a date written YYYY-MM-DD; it is ${shown(value)}`;
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  if (us) {
    const [, month, day, year] = us;
    const iso = `${year}-${month?.padStart(2, '0')}-${day?.padStart(2, '0')}`;
    return `must be a date written YYYY-MM-DD; "${value}" looks like month/day/year: write ${iso}`;
  }
  const ymd = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (ymd) {
    const [year, month, day] = [Number(ymd[1]), Number(ymd[2]), Number(ymd[3])];
    if (month < 1 || month > 12)
      return `"${value}" is an impossible date: there is no month ${month}`;
    if (day < 1) return `"${value}" is an impossible date: there is no day ${day}`;
    const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
    return `"${value}" is an impossible date: ${MONTHS[month - 1]} ${year} has ${days} days`;
  }
  return `must be a date written YYYY-MM-DD (e.g. 2026-11-20); it is "${value}"`;
}

/** `a, b or c`. */
function inWords(values: string[]): string {
  if (values.length === 1) return values[0] as string;
  return `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

function kindName(expected: string): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
    case 'int':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'an object';
    default:
      return expected;
  }
}

/** A value as the message quotes it: strings quoted, structures named, never dumped. */
function shown(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = input;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function schemaVersionOf(input: unknown): unknown {
  return input && typeof input === 'object'
    ? ((input as { schemaVersion?: unknown }).schemaVersion ?? 1)
    : 1;
}
