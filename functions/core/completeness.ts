/**
 * The completeness gate: what makes a finalized decision an official IEP and prior
 * written notice. Each rule is named, carries its 34 CFR reference, and reports every
 * place it fails; a decision that fails any rule gets no official document.
 */

import { codeRules } from './completeness-codes.ts';
import { consentRules } from './completeness-consent.ts';
import { meetingRules } from './completeness-meeting.ts';
import type { CompletenessRule } from './completeness-support.ts';
import { addYears } from './dates.ts';
import type { Decision } from './decision.ts';
import { annualReviewDueDate, rightsTransferDate, transitionAgeDate } from './milestones.ts';
import type { Problem } from './problems.ts';
import { type StateLaw, stateLaw } from './state-law.ts';

export type { CompletenessRule } from './completeness-support.ts';

import { blank, missing } from './completeness-support.ts';

export const completenessRules: readonly CompletenessRule[] = [
  {
    name: 'present-levels',
    cfr: '300.320(a)(1)',
    requires: 'present levels of academic achievement and functional performance, and their impact',
    check: (d) =>
      (['academic', 'functional', 'impactOnGeneralCurriculum'] as const)
        .filter((k) => blank(d.iep.presentLevels[k]))
        .map((k) =>
          missing(`iep.presentLevels.${k}`, 'this statement of present levels', '300.320(a)(1)(i)'),
        ),
  },
  {
    name: 'annual-goal-present',
    cfr: '300.320(a)(2)(i)',
    requires: 'at least one measurable annual goal',
    check: (d) =>
      d.iep.goals.length === 0
        ? [
            {
              path: 'iep.goals',
              message: 'at least one measurable annual goal is required',
              cfr: '300.320(a)(2)(i)',
            },
          ]
        : [],
  },
  {
    name: 'goal-measurable',
    cfr: '300.320(a)(2)(i)',
    requires: 'each goal states its area, baseline, the annual goal and its criteria',
    check: (d) =>
      d.iep.goals.flatMap((g, i) =>
        (['area', 'baseline', 'annualGoal', 'criteria'] as const)
          .filter((k) => blank(g[k]))
          .map((k) => missing(`iep.goals[${i}].${k}`, `the goal's ${k}`, '300.320(a)(2)(i)')),
      ),
  },
  {
    name: 'goal-measurement-method',
    cfr: '300.320(a)(3)(i)',
    requires: 'how progress toward each goal will be measured',
    check: (d) =>
      d.iep.goals.flatMap((g, i) =>
        blank(g.measurementMethod)
          ? [
              missing(
                `iep.goals[${i}].measurementMethod`,
                'how progress will be measured',
                '300.320(a)(3)(i)',
              ),
            ]
          : [],
      ),
  },
  {
    name: 'goal-progress-reporting',
    cfr: '300.320(a)(3)(ii)',
    requires: 'when progress reports on each goal go to the parents',
    check: (d) =>
      d.iep.goals.flatMap((g, i) =>
        blank(g.progressReportSchedule)
          ? [
              missing(
                `iep.goals[${i}].progressReportSchedule`,
                'when periodic progress reports are provided',
                '300.320(a)(3)(ii)',
              ),
            ]
          : [],
      ),
  },
  {
    name: 'short-term-objectives',
    cfr: '300.320(a)(2)(ii)',
    requires:
      'benchmarks or short-term objectives for each goal when the student takes alternate assessments',
    check: (d) =>
      d.iep.assessments.participation !== 'alternate'
        ? []
        : d.iep.goals.flatMap((g, i) =>
            g.shortTermObjectives.filter((o) => !blank(o)).length === 0
              ? [
                  {
                    path: `iep.goals[${i}].shortTermObjectives`,
                    message:
                      'short-term objectives are required when assessment participation is alternate',
                    cfr: '300.320(a)(2)(ii)',
                  },
                ]
              : [],
          ),
  },
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
  {
    name: 'prior-written-notice',
    cfr: '300.503(b)',
    requires: 'all seven elements of prior written notice',
    check: (d) => {
      const n = d.priorWrittenNotice;
      const at = 'priorWrittenNotice';
      const problems: Omit<Problem, 'rule'>[] = [];
      if (blank(n.actionProposed))
        problems.push(
          missing(
            `${at}.actionProposed`,
            'a description of the action proposed or refused',
            '300.503(b)(1)',
          ),
        );
      if (blank(n.explanation))
        problems.push(
          missing(
            `${at}.explanation`,
            'why the district proposes or refuses the action',
            '300.503(b)(2)',
          ),
        );
      if (n.evaluationsUsed.filter((e) => !blank(e)).length === 0)
        problems.push(
          missing(
            `${at}.evaluationsUsed`,
            'each evaluation, assessment, record or report used',
            '300.503(b)(3)',
          ),
        );
      if (blank(n.proceduralSafeguardsSource))
        problems.push(
          missing(
            `${at}.proceduralSafeguardsSource`,
            'how to obtain the procedural safeguards',
            '300.503(b)(4)',
          ),
        );
      if (n.assistanceContacts.length === 0)
        problems.push(
          missing(`${at}.assistanceContacts`, 'at least one source of assistance', '300.503(b)(5)'),
        );
      if (n.optionsConsidered.length === 0)
        problems.push(
          missing(`${at}.optionsConsidered`, 'the other options considered', '300.503(b)(6)'),
        );
      n.optionsConsidered.forEach((o, i) => {
        if (blank(o.rejectedBecause))
          problems.push(
            missing(
              `${at}.optionsConsidered[${i}].rejectedBecause`,
              'why the option was rejected',
              '300.503(b)(6)',
            ),
          );
      });
      if (blank(n.otherFactors))
        problems.push(missing(`${at}.otherFactors`, 'the other relevant factors', '300.503(b)(7)'));
      return problems;
    },
  },
  ...meetingRules,
  ...consentRules,
  ...codeRules,
];

/** The state rule behind an age, when it is the state's own (`; New York: 8 NYCRR ...`). */
function stateRule(law: StateLaw, source: string): string {
  return source.startsWith('34 CFR') || law.state === 'US' ? '' : ` (${law.state}: ${source})`;
}

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
