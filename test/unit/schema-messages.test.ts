import { describe, expect, it } from 'vitest';
import { describeDate } from '../../functions/core/schema-messages.ts';
import { checkDecision } from '../../functions/core/validate.ts';
import { rawSample } from '../fixtures/decisions.ts';

/** The problems of a sample changed by `change`, as a district clerk reads them. */
function problemsOf(change: (raw: ReturnType<typeof rawSample>) => void) {
  const raw = rawSample();
  change(raw);
  return checkDecision(raw).problems.map(({ path, message }) => ({ path, message }));
}

describe('schema messages a district clerk understands', () => {
  it('reports a US-style date once, with the date as it should be written', () => {
    expect(problemsOf((raw) => (raw.meeting.date = '11/20/2026'))).toEqual([
      {
        path: 'meeting.date',
        message:
          'must be a date written YYYY-MM-DD; "11/20/2026" looks like month/day/year: write 2026-11-20',
      },
    ]);
  });

  it('calls a well-written date that does not exist impossible, and says why', () => {
    expect(problemsOf((raw) => (raw.student.dateOfBirth = '2016-02-30'))).toEqual([
      {
        path: 'student.dateOfBirth',
        message: '"2016-02-30" is an impossible date: February 2016 has 29 days',
      },
    ]);
    expect(describeDate('2027-02-29')).toBe(
      '"2027-02-29" is an impossible date: February 2027 has 28 days',
    );
    expect(describeDate('2026-13-01')).toBe(
      '"2026-13-01" is an impossible date: there is no month 13',
    );
    expect(describeDate('2026-01-00')).toBe(
      '"2026-01-00" is an impossible date: there is no day 0',
    );
    expect(describeDate(20261120)).toBe('must be a date written YYYY-MM-DD; it is 20261120');
  });

  it('lists the allowed values of an enumeration in plain words, with the value found', () => {
    expect(
      problemsOf((raw) => {
        raw.status = 'final';
        raw.iep.services[0].frequency.per = 'weekly';
      }),
    ).toEqual([
      { path: 'status', message: 'must be one of draft, finalized or withdrawn; it is "final"' },
      {
        path: 'iep.services[0].frequency.per',
        message: 'must be one of day, week or month; it is "weekly"',
      },
    ]);
  });

  it('names the kind of value a field needs and the kind it holds', () => {
    expect(problemsOf((raw) => (raw.iep.services[1].frequency.minutes = 'thirty'))).toEqual([
      { path: 'iep.services[1].frequency.minutes', message: 'must be a number; it is "thirty"' },
    ]);
    expect(problemsOf((raw) => (raw.student = 'nobody'))).toEqual([
      { path: 'student', message: 'must be an object; it is "nobody"' },
    ]);
  });
});
