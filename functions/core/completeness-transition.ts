/**
 * Completeness rules that follow from the student's age under the state's law: the
 * postsecondary goals and transition services of an IEP in force when the student reaches the
 * transition age (34 CFR 300.320(b), or the state's earlier age), and the statement that rights
 * transfer at the age of majority, due a year before it (300.320(c), 300.520).
 */
import { blank, type CompletenessRule, missing } from './completeness-support.ts';
import { addYears } from './dates.ts';
import { rightsTransferDate, transitionAgeDate } from './milestones.ts';
import type { Problem } from './problems.ts';
import type { StateLaw } from './state-law.ts';

/** The transition-plan and transfer-of-rights rules, in the gate's order. */
export const transitionRules: readonly CompletenessRule[] = [
  {
    name: 'transition-plan',
    cfr: '300.320(b)',
    requires:
      "a transition plan when the student reaches the state's transition age (16 unless the state sets younger) on or before the IEP end date",
    check: (d, law) => {
      const reaches = transitionAgeDate(d, law);
      if (reaches > d.iep.endDate) return [];
      const why = `the student turns ${law.transitionAge} on ${reaches}, within this IEP${stateRule(law, law.transitionSource)}`;
      const t = d.iep.transition;
      if (!t)
        return [
          {
            path: 'iep.transition',
            message: `a transition plan is required: ${why}`,
            cfr: '300.320(b)',
          },
        ];
      const problems: Omit<Problem, 'rule'>[] = [];
      if (blank(t.postsecondaryGoals.education))
        problems.push(
          missing(
            'iep.transition.postsecondaryGoals.education',
            'a postsecondary education or training goal',
            '300.320(b)(1)',
          ),
        );
      if (blank(t.postsecondaryGoals.employment))
        problems.push(
          missing(
            'iep.transition.postsecondaryGoals.employment',
            'a postsecondary employment goal',
            '300.320(b)(1)',
          ),
        );
      if (t.transitionServices.filter((s) => !blank(s)).length === 0)
        problems.push(
          missing(
            'iep.transition.transitionServices',
            'at least one transition service',
            '300.320(b)(2)',
          ),
        );
      if (t.coursesOfStudy.filter((s) => !blank(s)).length === 0)
        problems.push(
          missing('iep.transition.coursesOfStudy', 'the courses of study', '300.320(b)(2)'),
        );
      return problems;
    },
  },
  {
    name: 'transfer-of-rights',
    cfr: '300.320(c)',
    requires:
      'a statement that the student was informed of the transfer of rights, from one year before the age of majority',
    check: (d, law) => {
      const majority = rightsTransferDate(d, law);
      if (!majority || majority > addYears(d.iep.endDate, 1) || d.iep.transferOfRights) return [];
      return [
        {
          path: 'iep.transferOfRights',
          message: `required: rights transfer at ${law.ageOfMajority} on ${majority}, within a year of the IEP's end (${d.iep.endDate})${stateRule(law, law.majoritySource)}`,
          cfr: '300.320(c)',
        },
      ];
    },
  },
];

/** The state rule behind an age, when it is the state's own (`; New York: 8 NYCRR ...`). */
function stateRule(law: StateLaw, source: string): string {
  return source.startsWith('34 CFR') || law.state === 'US' ? '' : ` (${law.state}: ${source})`;
}
