/**
 * Completeness rules of the meeting and the team: who must take part (300.321, 300.322),
 * what an amendment records (300.324(a)(4)), when the IEP may start, and the special
 * factors the team must consider (300.324(a)(2)).
 */
import { blank, type CompletenessRule, missing } from './completeness-support.ts';
import type { Decision } from './decision.ts';
import { rightsHaveTransferred } from './milestones.ts';
import type { Problem } from './problems.ts';

/** An amendment made by written agreement, without a meeting (300.324(a)(4)). */
export const withoutMeeting = (d: Decision): boolean =>
  d.meeting.type === 'amendment' && d.meeting.amendmentWithoutMeeting;

/** The least number of documented attempts before a meeting is held without the parent (300.322(d)). */
export const MIN_PARENT_ATTEMPTS = 2;

/** The paragraph of 300.324(a)(2) behind each special factor. */
const FACTOR_CFR = {
  behavior: '300.324(a)(2)(i)',
  limitedEnglishProficiency: '300.324(a)(2)(ii)',
  braille: '300.324(a)(2)(iii)',
  communication: '300.324(a)(2)(iv)',
  assistiveTechnology: '300.324(a)(2)(v)',
  deafOrHardOfHearing: '300.324(a)(2)(iv)',
} as const;

/** The factors the team must consider and decide on for every child: notes always required. */
const ALWAYS_DECIDED = new Set<keyof typeof FACTOR_CFR>(['communication', 'assistiveTechnology']);

/** The date the IEP may start from: the meeting, or the parent's written agreement to an amendment. */
export function developedOn(d: Decision): { date: string; what: string } {
  const agreed = d.meeting.parentAgreement?.date;
  return withoutMeeting(d) && agreed
    ? { date: agreed, what: 'the written agreement' }
    : { date: d.meeting.date, what: withoutMeeting(d) ? 'the amendment' : 'the meeting' };
}

export const meetingRules: readonly CompletenessRule[] = [
  {
    name: 'special-factors',
    cfr: '300.324(a)(2)',
    requires:
      'what the team decided on each special factor that applies, and always on communication and assistive technology',
    // Version 1 recorded only "considered": its items keep the meaning they had.
    check: (d) =>
      (d.schemaVersion === 1
        ? []
        : (Object.keys(FACTOR_CFR) as (keyof typeof FACTOR_CFR)[])
      ).flatMap((k) => {
        const f = d.iep.specialFactors[k];
        if (!blank(f.notes) || !(f.applies || ALWAYS_DECIDED.has(k))) return [];
        return [
          {
            path: `iep.specialFactors.${k}.notes`,
            message: f.applies
              ? 'the factor applies: say what the team decided'
              : 'the team must consider this for every child: say what it decided',
            cfr: FACTOR_CFR[k],
          },
        ];
      }),
  },
  {
    name: 'iep-starts-after-development',
    cfr: '300.323(c)',
    requires: 'an IEP that starts on or after its meeting (or the written agreement to amend it)',
    check: (d) => {
      const { date, what } = developedOn(d);
      return d.iep.startDate < date
        ? [
            {
              path: 'iep.startDate',
              message: `starts ${d.iep.startDate}, before ${what} (${date})`,
              cfr: withoutMeeting(d) ? '300.324(a)(4)(i)' : '300.323(c)',
            },
          ]
        : [];
    },
  },
  {
    name: 'amendment-names-meeting',
    cfr: '300.324(a)(4)',
    requires: 'an amendment names the date of the meeting whose IEP it amends',
    check: (d) => {
      if (d.meeting.type !== 'amendment') return [];
      const amends = d.meeting.amendsMeetingDate;
      if (!amends)
        return [
          missing(
            'meeting.amendsMeetingDate',
            'the date of the meeting whose IEP is amended',
            '300.324(a)(4)',
          ),
        ];
      return amends >= d.meeting.date
        ? [
            {
              path: 'meeting.amendsMeetingDate',
              message: `the amended meeting (${amends}) must come before the amendment (${d.meeting.date})`,
              cfr: '300.324(a)(4)',
            },
          ]
        : [];
    },
  },
  {
    name: 'amendment-agreement',
    cfr: '300.324(a)(4)(i)',
    requires:
      "an amendment without a meeting records the parent's written agreement and what it changed (schemaVersion 2)",
    check: (d) => {
      // Version 1 had no place for either: its items keep the meaning they had.
      if (!withoutMeeting(d) || d.schemaVersion === 1) return [];
      const problems: Omit<Problem, 'rule'>[] = [];
      if (!d.meeting.parentAgreement)
        problems.push(
          missing('meeting.parentAgreement', "the parent's written agreement", '300.324(a)(4)(i)'),
        );
      if (d.meeting.changes.filter((c) => !blank(c)).length === 0)
        problems.push(missing('meeting.changes', 'what the amendment changed', '300.324(a)(4)'));
      return problems;
    },
  },
  {
    name: 'team-parent',
    cfr: '300.322(d)',
    requires:
      'a parent (after the transfer of rights, the adult student) took part, or at least two attempts to involve them are documented',
    check: (d, law) => {
      if (withoutMeeting(d)) return [];
      const adult = rightsHaveTransferred(d, law, d.meeting.date);
      const role = adult ? 'student' : 'parent';
      if (d.meeting.attendees.some((a) => a.role === role && a.attended)) return [];
      const attempts = d.meeting.parentAttempts.length;
      if (attempts >= MIN_PARENT_ATTEMPTS) return [];
      const who = adult ? 'the adult student (rights have transferred, 300.520)' : 'no parent';
      return [
        {
          path: 'meeting.parentAttempts',
          message: `${adult ? `${who} did not attend` : `${who} attended`}: the meeting may be held only after documented attempts to involve ${adult ? 'the student' : 'the parents'} (${attempts} recorded, at least ${MIN_PARENT_ATTEMPTS})`,
          cfr: '300.322(d)',
        },
      ];
    },
  },
  {
    name: 'team-members',
    cfr: '300.321(a)',
    requires:
      'the special education teacher, the LEA representative and (when the student is in regular education) a general education teacher attended or were excused in writing',
    check: (d) => {
      if (withoutMeeting(d)) return [];
      const inRegularEducation = d.iep.leastRestrictiveEnvironment.percentInGeneralEducation > 0;
      const members = [
        ...(inRegularEducation
          ? ([
              ['general-education-teacher', 'a general education teacher', '300.321(a)(2)'],
            ] as const)
          : []),
        ['special-education-teacher', 'a special education teacher or provider', '300.321(a)(3)'],
        ['lea-representative', 'a representative of the public agency (LEA)', '300.321(a)(4)'],
      ] as const;
      const problems: Omit<Problem, 'rule'>[] = members
        .filter(
          ([role]) =>
            !d.meeting.attendees.some((a) => a.role === role && (a.attended || a.excused)),
        )
        .map(([role, who, cfr]) => ({
          path: 'meeting.attendees',
          message: `${who} (${role}) must attend or be excused in writing (300.321(e))`,
          cfr,
        }));
      d.meeting.attendees.forEach((a, i) => {
        const consent = a.excused?.consentDate;
        if (!a.attended && consent && consent > d.meeting.date)
          problems.push({
            path: `meeting.attendees[${i}].excused.consentDate`,
            message: `the parent's written consent (${consent}) must come before the meeting (${d.meeting.date})`,
            cfr: '300.321(e)(2)(i)',
          });
      });
      return problems;
    },
  },
];
