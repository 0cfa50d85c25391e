/**
 * The completeness gate: what makes a finalized decision an official IEP and prior
 * written notice. Each rule is named, carries its 34 CFR reference, and reports every
 * place it fails; a decision that fails any rule gets no official document.
 *
 * This file holds the list of rules in their order, the rules on services, placement and
 * assessments (34 CFR 300.320(a)(4)-(7)) and the IEP's dates (300.324(b)(1)(i)), and
 * `checkCompleteness`. The other rules live beside it, one file per seam: goals
 * (completeness-goals.ts), transition and transfer of rights (completeness-transition.ts), prior
 * written notice (completeness-notice.ts), meeting and team, consent, code lists.
 */

import { codeRules } from './completeness-codes.ts';
import { consentRules } from './completeness-consent.ts';
import { goalRules } from './completeness-goals.ts';
import { meetingRules } from './completeness-meeting.ts';
import { priorWrittenNoticeRule } from './completeness-notice.ts';
import type { CompletenessRule } from './completeness-support.ts';
import { transitionRules } from './completeness-transition.ts';
import type { Decision } from './decision.ts';
import { annualReviewDueDate } from './milestones.ts';
import type { Problem } from './problems.ts';
import { stateLaw } from './state-law.ts';

export type { CompletenessRule } from './completeness-support.ts';

import { blank, missing } from './completeness-support.ts';

/**
 * Every completeness rule, in the order their problems are reported: the IEP's contents
 * (300.320(a)), its age-driven parts (300.320(b), (c)), its dates (300.324(b)), prior written
 * notice (300.503(b)), then the meeting, consent and code-list rules.
 */
export const completenessRules: readonly CompletenessRule[] = [
  ...goalRules,
  {
    name: 'service-details',
    cfr: '300.320(a)(7)',
    requires: 'each service with its start date, end date, frequency and location',
    check: (d) =>
      d.iep.services.flatMap((s, i) => {
        const at = `iep.services[${i}]`;
        const problems: Omit<Problem, 'rule'>[] = [];
        if (!s.startDate)
          problems.push(missing(`${at}.startDate`, 'the projected start date', '300.320(a)(7)'));
        if (!s.endDate)
          problems.push(
            missing(`${at}.endDate`, 'the anticipated duration (end date)', '300.320(a)(7)'),
          );
        if (!s.frequency)
          problems.push(missing(`${at}.frequency`, 'the anticipated frequency', '300.320(a)(7)'));
        if (blank(s.location))
          problems.push(missing(`${at}.location`, 'the location', '300.320(a)(7)'));
        return problems;
      }),
  },
  {
    name: 'service-within-iep',
    cfr: '300.320(a)(7)',
    requires: 'each service runs inside the IEP dates and starts before it ends',
    check: (d) =>
      d.iep.services.flatMap((s, i) => {
        const at = `iep.services[${i}]`;
        const problems: Omit<Problem, 'rule'>[] = [];
        if (s.startDate && s.startDate < d.iep.startDate)
          problems.push({
            path: `${at}.startDate`,
            message: `starts ${s.startDate}, before the IEP starts (${d.iep.startDate})`,
            cfr: '300.320(a)(7)',
          });
        if (s.endDate && s.endDate > d.iep.endDate)
          problems.push({
            path: `${at}.endDate`,
            message: `ends ${s.endDate}, after the IEP ends (${d.iep.endDate})`,
            cfr: '300.320(a)(7)',
          });
        if (s.startDate && s.endDate && s.endDate < s.startDate)
          problems.push({
            path: `${at}.endDate`,
            message: `ends ${s.endDate}, before it starts (${s.startDate})`,
            cfr: '300.320(a)(7)',
          });
        return problems;
      }),
  },
  {
    name: 'lre-explanation',
    cfr: '300.320(a)(5)',
    requires:
      'an explanation of the extent the student will not participate with nondisabled children',
    check: (d) => {
      const lre = d.iep.leastRestrictiveEnvironment;
      return lre.percentInGeneralEducation < 100 && blank(lre.nonParticipationExplanation)
        ? [
            {
              path: 'iep.leastRestrictiveEnvironment.nonParticipationExplanation',
              message: `required when time in general education is below 100% (${lre.percentInGeneralEducation}%)`,
              cfr: '300.320(a)(5)',
            },
          ]
        : [];
    },
  },
  {
    name: 'alternate-assessment-justification',
    cfr: '300.320(a)(6)(ii)',
    requires:
      'why the student cannot take the regular assessment and why the alternate is appropriate',
    check: (d) =>
      d.iep.assessments.participation === 'alternate' &&
      blank(d.iep.assessments.alternateJustification)
        ? [
            {
              path: 'iep.assessments.alternateJustification',
              message: 'required when assessment participation is alternate',
              cfr: '300.320(a)(6)(ii)',
            },
          ]
        : [],
  },
  ...transitionRules,
  {
    name: 'iep-dates',
    cfr: '300.324(b)(1)(i)',
    requires: 'an IEP that starts before it ends and ends no later than the annual review is due',
    check: (d) => {
      const problems: Omit<Problem, 'rule'>[] = [];
      if (d.iep.endDate < d.iep.startDate)
        problems.push({
          path: 'iep.endDate',
          message: `ends ${d.iep.endDate}, before it starts (${d.iep.startDate})`,
          cfr: '300.320(a)(7)',
        });
      const due = annualReviewDueDate(d);
      if (d.iep.endDate > due)
        problems.push({
          path: 'iep.endDate',
          message: `ends ${d.iep.endDate}, after the annual review is due (${due})`,
          cfr: '300.324(b)(1)(i)',
        });
      return problems;
    },
  },
  priorWrittenNoticeRule,
  ...meetingRules,
  ...consentRules,
  ...codeRules,
];

/**
 * Every completeness problem of a decision, each tagged with its rule's name. `state` is the
 * district profile's: its transition age and age of majority apply (`state-law.ts`); without
 * one, the federal rule and the common age of majority (18).
 */
export function checkCompleteness(
  decision: Decision,
  options: { state?: string; rules?: readonly CompletenessRule[] } = {},
): Problem[] {
  const law = stateLaw(options.state);
  return (options.rules ?? completenessRules).flatMap((rule) =>
    rule.check(decision, law).map((p) => ({ ...p, cfr: p.cfr ?? rule.cfr, rule: rule.name })),
  );
}
