/**
 * Completeness rules of consent (300.300(b)) and of leaving special education (300.102(a)(3),
 * 300.305(e)(3)). A decision without `consent` or `exit` passes them all: version-1 items and
 * decisions whose district keeps consent elsewhere are judged as before (see `consent.ts`).
 */
import { blank, type CompletenessRule, missing } from './completeness-support.ts';
import type { Decision } from './decision.ts';
import { needsSummaryOfPerformance } from './exit.ts';
import type { Problem } from './problems.ts';

type Found = Omit<Problem, 'rule'>;

/** Rules of the consent record; each names its paragraph. */
export const consentRules: readonly CompletenessRule[] = [
  {
    name: 'consent-initial-only',
    cfr: '300.300(b)(1)',
    requires:
      'an offer awaiting consent, or a refusal, only for an initial IEP; later IEPs may record a revocation',
    check: (d) =>
      d.consent && d.meeting.type !== 'initial' && ['pending', 'refused'].includes(d.consent.status)
        ? [
            {
              path: 'consent.status',
              message: `consent to the initial provision of services belongs to an initial IEP; this is an ${d.meeting.type} IEP (record a revocation with status given and revokedOn)`,
              cfr: '300.300(b)(1)',
            },
          ]
        : [],
  },
  {
    name: 'consent-date',
    cfr: '300.300(b)(1)',
    requires:
      'the day the parent answered in writing, when consent was given, partly given or refused',
    check: (d) =>
      d.consent && d.consent.status !== 'pending' && !d.consent.date
        ? [missing('consent.date', `the day consent was ${d.consent.status}`, '300.300(b)(1)')]
        : [],
  },
  {
    name: 'consent-declined',
    cfr: '300.300(d)(3)',
    requires: 'partial consent names the declined services of this IEP, at least one and not all',
    check: (d) => declinedProblems(d),
  },
  {
    name: 'services-after-consent',
    cfr: '300.300(b)(1)',
    requires: 'each consented service starts on or after the day of consent',
    check: (d) => {
      const c = d.consent;
      if (!c?.date || (c.status !== 'given' && c.status !== 'partial')) return [];
      const consentedOn = c.date;
      return d.iep.services.flatMap((s, i): Found[] =>
        !c.declined.includes(s.serviceId) && s.startDate && s.startDate < consentedOn
          ? [
              {
                path: `iep.services[${i}].startDate`,
                message: `the service starts ${s.startDate}, before the parent's written consent of ${consentedOn}: services begin only after consent`,
                cfr: '300.300(b)(1)',
              },
            ]
          : [],
      );
    },
  },
  {
    name: 'consent-revocation',
    cfr: '300.300(b)(4)',
    requires: 'a revocation follows consent that was given, on or after its day',
    check: (d) => {
      const c = d.consent;
      if (!c?.revokedOn) return [];
      if (c.status !== 'given' && c.status !== 'partial')
        return [
          {
            path: 'consent.revokedOn',
            message: `consent was ${c.status}: only consent given for services can be revoked`,
            cfr: '300.300(b)(4)',
          },
        ];
      return c.date && c.revokedOn < c.date
        ? [
            {
              path: 'consent.revokedOn',
              message: `the revocation (${c.revokedOn}) precedes the consent (${c.date})`,
              cfr: '300.300(b)(4)',
            },
          ]
        : [];
    },
  },
  {
    name: 'summary-of-performance',
    cfr: '300.305(e)(3)',
    requires:
      'on graduation or aging out, a summary of academic achievement and functional performance with recommendations for each postsecondary goal',
    check: (d) => summaryProblems(d),
  },
];

function declinedProblems(d: Decision): Found[] {
  const c = d.consent;
  if (!c) return [];
  if (c.status !== 'partial')
    return c.declined.length > 0
      ? [
          {
            path: 'consent.declined',
            message: `only partial consent declines services; consent is ${c.status}`,
            cfr: '300.300(d)(3)',
          },
        ]
      : [];
  const ids = d.iep.services.map((s) => s.serviceId);
  const problems: Found[] = c.declined
    .map((sid, i) => ({ sid, i }))
    .filter(({ sid }) => !ids.includes(sid))
    .map(({ sid, i }) => ({
      path: `consent.declined[${i}]`,
      message: `no service "${sid}" in this IEP`,
      cfr: '300.300(d)(3)',
    }));
  if (c.declined.length === 0)
    problems.push({
      path: 'consent.declined',
      message: 'partial consent declines at least one service (otherwise consent is given)',
      cfr: '300.300(d)(3)',
    });
  else if (ids.length > 0 && ids.every((sid) => c.declined.includes(sid)))
    problems.push({
      path: 'consent.declined',
      message: 'every service is declined: record the consent as refused (300.300(b)(3))',
      cfr: '300.300(b)(3)',
    });
  return problems;
}

function summaryProblems(d: Decision): Found[] {
  if (!d.exit || !needsSummaryOfPerformance(d.exit)) return [];
  const at = 'exit.summaryOfPerformance';
  const sop = d.exit.summaryOfPerformance;
  if (!sop) return [missing(at, 'the Summary of Performance', '300.305(e)(3)')];
  const problems: Found[] = [];
  if (blank(sop.academicAchievement))
    problems.push(
      missing(`${at}.academicAchievement`, 'the academic achievement', '300.305(e)(3)'),
    );
  if (blank(sop.functionalPerformance))
    problems.push(
      missing(`${at}.functionalPerformance`, 'the functional performance', '300.305(e)(3)'),
    );
  for (const goal of postsecondaryGoals(d))
    if (blank(sop.recommendations[goal]))
      problems.push(
        missing(
          `${at}.recommendations.${goal}`,
          `a recommendation for the ${goal} goal`,
          '300.305(e)(3)',
        ),
      );
  return problems;
}

/** The postsecondary goals of the transition plan (300.320(b)(1)); education without a plan. */
export function postsecondaryGoals(
  d: Decision,
): ('education' | 'employment' | 'independentLiving')[] {
  const goals = d.iep.transition?.postsecondaryGoals;
  if (!goals) return ['education'];
  return (['education', 'employment', 'independentLiving'] as const).filter(
    (g) => !blank(goals[g]),
  );
}
