/**
 * Completeness rules of what the IEP says about the child's learning: the present levels of
 * achievement and performance (34 CFR 300.320(a)(1)), the measurable annual goals and, for a
 * child assessed on alternate standards, the short-term objectives (300.320(a)(2)), and how
 * progress toward each goal is measured and reported to the parents (300.320(a)(3)).
 */
import { blank, type CompletenessRule, missing } from './completeness-support.ts';

/** The rules of present levels, goals, objectives and progress reports, in the gate's order. */
export const goalRules: readonly CompletenessRule[] = [
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
];
