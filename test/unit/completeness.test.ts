import { describe, expect, it } from 'vitest';
import { checkCompleteness, completenessRules } from '../../functions/core/completeness.ts';
import { sampleDecision } from '../fixtures/decisions.ts';

/** One decision broken in one way per rule, and what the rule must report. */
const cases: {
  rule: string;
  sample?: string;
  change: (d: Record<string, any>) => void;
  path: string;
  cfr: string;
}[] = [
  {
    rule: 'present-levels',
    change: (d) => {
      d.iep.presentLevels.functional = ' ';
    },
    path: 'iep.presentLevels.functional',
    cfr: '300.320(a)(1)(i)',
  },
  {
    rule: 'annual-goal-present',
    change: (d) => {
      d.iep.goals = [];
    },
    path: 'iep.goals',
    cfr: '300.320(a)(2)(i)',
  },
  {
    rule: 'goal-measurable',
    change: (d) => {
      delete d.iep.goals[1].criteria;
    },
    path: 'iep.goals[1].criteria',
    cfr: '300.320(a)(2)(i)',
  },
  {
    rule: 'goal-measurable',
    change: (d) => {
      d.iep.goals[0].baseline = '';
    },
    path: 'iep.goals[0].baseline',
    cfr: '300.320(a)(2)(i)',
  },
  {
    rule: 'goal-measurement-method',
    change: (d) => {
      d.iep.goals[0].measurementMethod = '';
    },
    path: 'iep.goals[0].measurementMethod',
    cfr: '300.320(a)(3)(i)',
  },
  {
    rule: 'goal-progress-reporting',
    change: (d) => {
      delete d.iep.goals[2].progressReportSchedule;
    },
    path: 'iep.goals[2].progressReportSchedule',
    cfr: '300.320(a)(3)(ii)',
  },
  {
    rule: 'short-term-objectives',
    change: (d) => {
      d.iep.assessments.participation = 'alternate';
      d.iep.assessments.alternateJustification =
        'Significant cognitive disability documented in the evaluation.';
      for (const g of d.iep.goals) g.shortTermObjectives = ['An objective'];
      d.iep.goals[3].shortTermObjectives = [];
    },
    path: 'iep.goals[3].shortTermObjectives',
    cfr: '300.320(a)(2)(ii)',
  },
  {
    rule: 'service-details',
    change: (d) => {
      delete d.iep.services[0].frequency;
    },
    path: 'iep.services[0].frequency',
    cfr: '300.320(a)(7)',
  },
  {
    rule: 'service-details',
    change: (d) => {
      d.iep.services[1].location = '';
    },
    path: 'iep.services[1].location',
    cfr: '300.320(a)(7)',
  },
  {
    rule: 'service-details',
    change: (d) => {
      delete d.iep.services[0].startDate;
    },
    path: 'iep.services[0].startDate',
    cfr: '300.320(a)(7)',
  },
  {
    rule: 'service-within-iep',
    change: (d) => {
      d.iep.services[0].endDate = '2028-01-01';
    },
    path: 'iep.services[0].endDate',
    cfr: '300.320(a)(7)',
  },
  {
    rule: 'service-within-iep',
    change: (d) => {
      d.iep.services[0].startDate = '2026-01-01';
    },
    path: 'iep.services[0].startDate',
    cfr: '300.320(a)(7)',
  },
  {
    rule: 'lre-explanation',
    change: (d) => {
      d.iep.leastRestrictiveEnvironment.nonParticipationExplanation = '';
    },
    path: 'iep.leastRestrictiveEnvironment.nonParticipationExplanation',
    cfr: '300.320(a)(5)',
  },
  {
    rule: 'alternate-assessment-justification',
    change: (d) => {
      d.iep.assessments.participation = 'alternate';
      d.iep.assessments.alternateJustification = '';
      for (const g of d.iep.goals) g.shortTermObjectives = ['An objective'];
    },
    path: 'iep.assessments.alternateJustification',
    cfr: '300.320(a)(6)(ii)',
  },
  {
    rule: 'transition-plan',
    sample: 'transition-es',
    change: (d) => {
      delete d.iep.transition;
    },
    path: 'iep.transition',
    cfr: '300.320(b)',
  },
  {
    rule: 'transition-plan',
    sample: 'transition-es',
    change: (d) => {
      d.iep.transition.coursesOfStudy = [];
    },
    path: 'iep.transition.coursesOfStudy',
    cfr: '300.320(b)(2)',
  },
  {
    rule: 'transfer-of-rights',
    sample: 'transition-es',
    // Born 2009-12-30: 18 on 2027-12-30, within a year of the IEP's end (2027-11-18).
    change: (d) => {
      d.student.dateOfBirth = '2009-12-30';
    },
    path: 'iep.transferOfRights',
    cfr: '300.320(c)',
  },
  {
    rule: 'iep-dates',
    change: (d) => {
      d.iep.endDate = '2027-11-20';
      for (const s of d.iep.services) s.endDate = '2027-11-19';
    },
    path: 'iep.endDate',
    cfr: '300.324(b)(1)(i)',
  },
  {
    rule: 'amendment-names-meeting',
    sample: 'amendment-en',
    change: (d) => {
      delete d.meeting.amendsMeetingDate;
    },
    path: 'meeting.amendsMeetingDate',
    cfr: '300.324(a)(4)',
  },
  {
    rule: 'special-factors',
    sample: 'amendment-written-v2-en',
    change: (d) => {
      d.iep.specialFactors.assistiveTechnology.notes = '';
    },
    path: 'iep.specialFactors.assistiveTechnology.notes',
    cfr: '300.324(a)(2)(v)',
  },
  {
    rule: 'iep-starts-after-development',
    change: (d) => {
      d.iep.startDate = '2026-11-19';
      d.iep.services = [];
    },
    path: 'iep.startDate',
    cfr: '300.323(c)',
  },
  {
    rule: 'amendment-agreement',
    sample: 'amendment-written-v2-en',
    change: (d) => {
      delete d.meeting.parentAgreement;
    },
    path: 'meeting.parentAgreement',
    cfr: '300.324(a)(4)(i)',
  },
  {
    rule: 'prior-written-notice',
    change: (d) => {
      d.priorWrittenNotice.actionProposed = '';
    },
    path: 'priorWrittenNotice.actionProposed',
    cfr: '300.503(b)(1)',
  },
  {
    rule: 'prior-written-notice',
    change: (d) => {
      d.priorWrittenNotice.explanation = '';
    },
    path: 'priorWrittenNotice.explanation',
    cfr: '300.503(b)(2)',
  },
  {
    rule: 'prior-written-notice',
    change: (d) => {
      d.priorWrittenNotice.evaluationsUsed = [];
    },
    path: 'priorWrittenNotice.evaluationsUsed',
    cfr: '300.503(b)(3)',
  },
  {
    rule: 'prior-written-notice',
    change: (d) => {
      d.priorWrittenNotice.proceduralSafeguardsSource = '';
    },
    path: 'priorWrittenNotice.proceduralSafeguardsSource',
    cfr: '300.503(b)(4)',
  },
  {
    rule: 'prior-written-notice',
    change: (d) => {
      d.priorWrittenNotice.assistanceContacts = [];
    },
    path: 'priorWrittenNotice.assistanceContacts',
    cfr: '300.503(b)(5)',
  },
  {
    rule: 'prior-written-notice',
    change: (d) => {
      d.priorWrittenNotice.optionsConsidered = [];
    },
    path: 'priorWrittenNotice.optionsConsidered',
    cfr: '300.503(b)(6)',
  },
  {
    rule: 'prior-written-notice',
    change: (d) => {
      d.priorWrittenNotice.otherFactors = '';
    },
    path: 'priorWrittenNotice.otherFactors',
    cfr: '300.503(b)(7)',
  },
  {
    rule: 'team-parent',
    change: (d) => {
      for (const a of d.meeting.attendees) if (a.role === 'parent') a.attended = false;
    },
    path: 'meeting.parentAttempts',
    cfr: '300.322(d)',
  },
  {
    rule: 'team-members',
    change: (d) => {
      d.meeting.attendees = d.meeting.attendees.filter(
        (a: { role: string }) => a.role !== 'lea-representative',
      );
    },
    path: 'meeting.attendees',
    cfr: '300.321(a)(4)',
  },
  {
    rule: 'team-members',
    change: (d) => {
      for (const a of d.meeting.attendees)
        if (a.role === 'general-education-teacher') {
          a.attended = false;
          a.excused = false;
        }
    },
    path: 'meeting.attendees',
    cfr: '300.321(a)(2)',
  },
  {
    rule: 'consent-initial-only',
    sample: '../consent/initial-pending-en',
    change: (d) => {
      d.meeting.type = 'reevaluation';
    },
    path: 'consent.status',
    cfr: '300.300(b)(1)',
  },
  {
    rule: 'consent-date',
    sample: '../consent/initial-given-en',
    change: (d) => {
      delete d.consent.date;
    },
    path: 'consent.date',
    cfr: '300.300(b)(1)',
  },
  {
    rule: 'consent-declined',
    sample: '../consent/initial-partial-es',
    change: (d) => {
      d.consent.declined = ['NOPE'];
    },
    path: 'consent.declined[0]',
    cfr: '300.300(d)(3)',
  },
  {
    rule: 'services-after-consent',
    sample: '../consent/initial-given-en',
    change: (d) => {
      d.consent.date = '2026-12-03';
    },
    path: 'iep.services[0].startDate',
    cfr: '300.300(b)(1)',
  },
  {
    rule: 'consent-revocation',
    sample: '../consent/initial-revoked-en',
    change: (d) => {
      d.consent.revokedOn = '2026-11-29';
    },
    path: 'consent.revokedOn',
    cfr: '300.300(b)(4)',
  },
  {
    rule: 'summary-of-performance',
    sample: '../exit/graduation-en',
    change: (d) => {
      delete d.exit.summaryOfPerformance.recommendations.employment;
    },
    path: 'exit.summaryOfPerformance.recommendations.employment',
    cfr: '300.305(e)(3)',
  },
  {
    rule: 'developmental-delay-age',
    sample: 'amendment-written-v2-en',
    change: (d) => {
      d.student.primaryDisability = 'developmental-delay';
    },
    path: 'student.primaryDisability',
    cfr: '300.8(b)(1)',
  },
];

describe('the completeness gate', () => {
  it.each(['annual-grade4-en', 'transition-es', 'amendment-en'])(
    'passes the complete sample %s',
    (name) => {
      expect(checkCompleteness(sampleDecision(name))).toEqual([]);
    },
  );

  it.each(cases)(
    '$rule reports $path ($cfr), and nothing else fails it',
    ({ rule, sample, change, path, cfr }) => {
      // Prepare
      const decision = sampleDecision(sample, change);

      // Act
      const problems = checkCompleteness(decision);

      // Assess: the rule reports the place, and without the rule the decision passes.
      expect(problems).toContainEqual(expect.objectContaining({ rule, path, cfr }));
      expect(problems.every((p) => p.rule === rule)).toBe(true);
      expect(
        checkCompleteness(decision, {
          rules: completenessRules.filter((r) => r.name !== rule),
        }),
      ).toEqual([]);
    },
  );

  it('has a test case for every rule', () => {
    expect(new Set(cases.map((c) => c.rule))).toEqual(
      new Set(completenessRules.map((r) => r.name)),
    );
  });

  it('accepts an excused team member in place of one who attended', () => {
    const decision = sampleDecision(undefined, (d) => {
      for (const a of d.meeting.attendees)
        if (a.role === 'general-education-teacher') {
          a.attended = false;
          a.excused = true;
        }
    });
    expect(checkCompleteness(decision)).toEqual([]);
  });

  it('does not require the team for an amendment without a meeting (300.324(a)(4))', () => {
    const decision = sampleDecision('amendment-en', (d) => {
      d.meeting.attendees = [];
    });
    expect(checkCompleteness(decision)).toEqual([]);
  });

  it('requires the team for an amendment made in a meeting', () => {
    const decision = sampleDecision('amendment-en', (d) => {
      d.meeting.amendmentWithoutMeeting = false;
    });
    expect(checkCompleteness(decision).map((p) => p.rule)).toContain('team-members');
  });

  it('does not ask for a transition plan when the student turns 16 the day after the IEP ends', () => {
    const decision = sampleDecision(undefined, (d) => {
      d.student.dateOfBirth = '2011-11-20'; // 16 on 2027-11-20; the IEP ends 2027-11-19
    });
    expect(checkCompleteness(decision)).toEqual([]);
  });

  it('asks for a transition plan when the student turns 16 on the IEP end date', () => {
    const decision = sampleDecision(undefined, (d) => {
      d.student.dateOfBirth = '2011-11-19';
    });
    expect(checkCompleteness(decision).map((p) => p.rule)).toContain('transition-plan');
  });

  it('reports every failed rule of a decision at once', () => {
    const decision = sampleDecision(undefined, (d) => {
      d.iep.goals = [];
      d.priorWrittenNotice.otherFactors = '';
      d.iep.leastRestrictiveEnvironment.nonParticipationExplanation = '';
    });
    expect(new Set(checkCompleteness(decision).map((p) => p.rule))).toEqual(
      new Set(['annual-goal-present', 'prior-written-notice', 'lre-explanation']),
    );
  });
});
