/**
 * Rules of the coded values. Developmental delay is a category only for a child aged three
 * through nine (34 CFR 300.8(b)(1); a State may use a subset of that range, 300.111(b)(3)):
 * an older child needs one of the thirteen categories of 300.8(c).
 */
import type { CompletenessRule } from './completeness-support.ts';
import { addYears } from './dates.ts';

/** The oldest age at which developmental delay may be a child's category (300.8(b)). */
export const DEVELOPMENTAL_DELAY_MAX_AGE = 9;

export const codeRules: readonly CompletenessRule[] = [
  {
    name: 'developmental-delay-age',
    cfr: '300.8(b)',
    requires: 'developmental delay only for a child aged three through nine',
    check: (d) => {
      // Aged ten or more on the day the team decided: the tenth birthday is on or before it.
      const tenth = addYears(d.student.dateOfBirth, DEVELOPMENTAL_DELAY_MAX_AGE + 1);
      const decidedOn = d.meeting.parentAgreement?.date ?? d.meeting.date;
      if (tenth > decidedOn) return [];
      const paths = [
        ...(d.student.primaryDisability === 'developmental-delay'
          ? ['student.primaryDisability']
          : []),
        ...d.student.secondaryDisabilities.flatMap((value, i) =>
          value === 'developmental-delay' ? [`student.secondaryDisabilities[${i}]`] : [],
        ),
      ];
      return paths.map((path) => ({
        path,
        message: `developmental delay is a category for children aged three through nine; the student turned ten on ${tenth}: name one of the categories of 300.8(c)`,
        cfr: '300.8(b)(1)',
      }));
    },
  },
];
