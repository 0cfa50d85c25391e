/**
 * The free text of a decision version a translation office translates: every field the IEP
 * team wrote in words (not names, addresses, dates or codes), each with a stable id, its path
 * as validation reports it, and what the field means in law, for the translator.
 * 34 CFR 300.503(c): the prior written notice in the parent's native language; the IEP itself
 * under Title VI (OCR/DOJ guidance for parents with limited English).
 */
import { disabilityCodes, isCode, providerRoles } from './codes.ts';
import type { Decision } from './decision.ts';

/** One field to translate. */
export interface TranslatableField {
  /** Stable within the decision version: list entries by their ids (`iep.goals.<goalId>.baseline`). */
  id: string;
  /** The field as validation names it: `iep.goals[0].baseline`. */
  path: string;
  /** The text as the team wrote it. */
  source: string;
  /** What the field is, in law, for the translator. */
  meaning: string;
}

const PRESENT_LEVELS = {
  academic: 'Present levels of academic achievement (34 CFR 300.320(a)(1))',
  functional: 'Present levels of functional performance (34 CFR 300.320(a)(1))',
  impactOnGeneralCurriculum:
    'How the disability affects involvement and progress in the general education curriculum (34 CFR 300.320(a)(1)(i))',
  strengths: "The child's strengths, considered in developing the IEP (34 CFR 300.324(a)(1)(i))",
  parentConcerns:
    "The parents' concerns for enhancing the child's education (34 CFR 300.324(a)(1)(ii))",
} as const;

const GOAL = {
  area: 'Area of a measurable annual goal (34 CFR 300.320(a)(2))',
  baseline: "The child's present performance the goal starts from (34 CFR 300.320(a)(1)-(2))",
  annualGoal: 'Measurable annual goal, academic or functional (34 CFR 300.320(a)(2)(i))',
  criteria: 'How the team will judge that the goal is met (34 CFR 300.320(a)(2)(i))',
  measurementMethod: 'How progress toward the goal will be measured (34 CFR 300.320(a)(3)(i))',
  progressReportSchedule:
    'When reports on progress toward the goal will be provided (34 CFR 300.320(a)(3)(ii))',
} as const;

const SERVICE = {
  name: 'A special education or related service, supplementary aid or program modification (34 CFR 300.320(a)(4))',
  provider: 'Who provides the service (34 CFR 300.320(a)(4))',
  location: 'Where the service is provided (34 CFR 300.320(a)(7))',
} as const;

const POSTSECONDARY = {
  education: 'Measurable postsecondary goal: education or training (34 CFR 300.320(b)(1))',
  employment: 'Measurable postsecondary goal: employment (34 CFR 300.320(b)(1))',
  independentLiving:
    'Measurable postsecondary goal: independent living skills (34 CFR 300.320(b)(1))',
} as const;

const NOTICE = {
  actionProposed: 'The action the district proposes or refuses (34 CFR 300.503(b)(1))',
  explanation: 'Why the district proposes or refuses the action (34 CFR 300.503(b)(2))',
  proceduralSafeguardsSource:
    'How the parents can obtain a copy of the procedural safeguards (34 CFR 300.503(b)(4))',
  otherFactors: 'Other factors relevant to the proposal or refusal (34 CFR 300.503(b)(7))',
} as const;

/**
 * The translatable fields of a decision, in document order; blank fields are left out.
 * Long because: every translatable field of a decision, one line each, in document order (the order
 * of the XLIFF units a translator reads).
 */
export function translatableFields(d: Decision): TranslatableField[] {
  const fields: TranslatableField[] = [];
  const add = (id: string, path: string, source: string | undefined, meaning: string) => {
    if (source !== undefined && source.trim() !== '') fields.push({ id, path, source, meaning });
  };
  const each = (id: string, path: string, list: readonly string[], meaning: string) =>
    list.forEach((source, i) => {
      add(`${id}.${i}`, `${path}[${i}]`, source, meaning);
    });

  wordsOfTheDistrict(d, add, each);
  for (const [key, meaning] of Object.entries(PRESENT_LEVELS))
    add(
      `iep.presentLevels.${key}`,
      `iep.presentLevels.${key}`,
      d.iep.presentLevels[key as keyof typeof PRESENT_LEVELS],
      meaning,
    );
  for (const [key, factor] of Object.entries(d.iep.specialFactors))
    add(
      `iep.specialFactors.${key}.notes`,
      `iep.specialFactors.${key}.notes`,
      factor.notes,
      `What the team decided about the special factor "${key}" (34 CFR 300.324(a)(2))`,
    );
  d.iep.goals.forEach((goal, i) => {
    const id = `iep.goals.${goal.goalId}`;
    for (const [key, meaning] of Object.entries(GOAL))
      add(`${id}.${key}`, `iep.goals[${i}].${key}`, goal[key as keyof typeof GOAL], meaning);
    each(
      `${id}.shortTermObjectives`,
      `iep.goals[${i}].shortTermObjectives`,
      goal.shortTermObjectives,
      'A benchmark or short-term objective toward the goal (34 CFR 300.320(a)(2)(ii))',
    );
  });
  add(
    'iep.progressReporting',
    'iep.progressReporting',
    d.iep.progressReporting,
    'How and when the parents are told of progress toward the annual goals (34 CFR 300.320(a)(3)(ii))',
  );
  d.iep.services.forEach((service, i) => {
    for (const [key, meaning] of Object.entries(SERVICE))
      if (!(key === 'provider' && service.provider && isCode(providerRoles, service.provider)))
        add(
          `iep.services.${service.serviceId}.${key}`,
          `iep.services[${i}].${key}`,
          service[key as keyof typeof SERVICE],
          meaning,
        );
  });
  add(
    'iep.leastRestrictiveEnvironment.nonParticipationExplanation',
    'iep.leastRestrictiveEnvironment.nonParticipationExplanation',
    d.iep.leastRestrictiveEnvironment.nonParticipationExplanation,
    'Why and how far the child will not take part with children without disabilities (34 CFR 300.320(a)(5))',
  );
  each(
    'iep.assessments.accommodations',
    'iep.assessments.accommodations',
    d.iep.assessments.accommodations,
    'An accommodation in state and districtwide assessments (34 CFR 300.320(a)(6)(i))',
  );
  add(
    'iep.assessments.alternateJustification',
    'iep.assessments.alternateJustification',
    d.iep.assessments.alternateJustification,
    'Why the child cannot take the regular assessment and why the alternate one is appropriate (34 CFR 300.320(a)(6)(ii))',
  );
  add(
    'iep.extendedSchoolYear.justification',
    'iep.extendedSchoolYear.justification',
    d.iep.extendedSchoolYear.justification,
    "The team's reasons about extended school year services (34 CFR 300.106)",
  );
  transitionFields(d, add, each);
  noticeFields(d, add, each);
  return fields;
}

type Add = (id: string, path: string, source: string | undefined, meaning: string) => void;
type Each = (id: string, path: string, list: readonly string[], meaning: string) => void;

function transitionFields(d: Decision, add: Add, each: Each): void {
  const tr = d.iep.transition;
  if (!tr) return;
  for (const [key, meaning] of Object.entries(POSTSECONDARY)) {
    const path = `iep.transition.postsecondaryGoals.${key}`;
    add(path, path, tr.postsecondaryGoals[key as keyof typeof POSTSECONDARY], meaning);
  }
  const service = 'A transition service (34 CFR 300.320(b)(2))';
  each(
    'iep.transition.transitionServices',
    'iep.transition.transitionServices',
    tr.transitionServices,
    service,
  );
  each(
    'iep.transition.coursesOfStudy',
    'iep.transition.coursesOfStudy',
    tr.coursesOfStudy,
    'A course of study among the transition services (34 CFR 300.320(b)(2))',
  );
}

function noticeFields(d: Decision, add: Add, each: Each): void {
  const n = d.priorWrittenNotice;
  for (const [key, meaning] of Object.entries(NOTICE).slice(0, 2))
    add(
      `priorWrittenNotice.${key}`,
      `priorWrittenNotice.${key}`,
      n[key as keyof typeof NOTICE],
      meaning,
    );
  each(
    'priorWrittenNotice.evaluationsUsed',
    'priorWrittenNotice.evaluationsUsed',
    n.evaluationsUsed,
    'An evaluation procedure, assessment, record or report used as a basis for the action (34 CFR 300.503(b)(3))',
  );
  add(
    'priorWrittenNotice.proceduralSafeguardsSource',
    'priorWrittenNotice.proceduralSafeguardsSource',
    n.proceduralSafeguardsSource,
    NOTICE.proceduralSafeguardsSource,
  );
  n.optionsConsidered.forEach((option, i) => {
    const id = `priorWrittenNotice.optionsConsidered.${i}`;
    const path = `priorWrittenNotice.optionsConsidered[${i}]`;
    add(
      `${id}.option`,
      `${path}.option`,
      option.option,
      'Another option the team considered (34 CFR 300.503(b)(6))',
    );
    add(
      `${id}.rejectedBecause`,
      `${path}.rejectedBecause`,
      option.rejectedBecause,
      'Why that option was rejected (34 CFR 300.503(b)(6))',
    );
  });
  add(
    'priorWrittenNotice.otherFactors',
    'priorWrittenNotice.otherFactors',
    n.otherFactors,
    NOTICE.otherFactors,
  );
}

/**
 * What the district wrote in words where version 2 has a code (a disability category, 300.8),
 * the guardians' relationship, and the meeting's record: an amendment's changes
 * (300.324(a)(4)) and the attempts to involve the parents (300.322(d)).
 */
function wordsOfTheDistrict(d: Decision, add: Add, each: Each): void {
  const category = "A disability category (34 CFR 300.8), in the district's words";
  if (!isCode(disabilityCodes, d.student.primaryDisability))
    add(
      'student.primaryDisability',
      'student.primaryDisability',
      d.student.primaryDisability,
      category,
    );
  d.student.secondaryDisabilities.forEach((value, i) => {
    if (!isCode(disabilityCodes, value))
      add(
        `student.secondaryDisabilities.${i}`,
        `student.secondaryDisabilities[${i}]`,
        value,
        category,
      );
  });
  d.guardians.forEach((g, i) => {
    add(
      `guardians.${g.guardianId}.relationship`,
      `guardians[${i}].relationship`,
      g.relationship,
      "The guardian's relationship to the child (34 CFR 300.30)",
    );
  });
  each(
    'meeting.changes',
    'meeting.changes',
    d.meeting.changes,
    'A change made by the amendment to the IEP (34 CFR 300.324(a)(4), (a)(6))',
  );
  d.meeting.parentAttempts.forEach((attempt, i) => {
    add(
      `meeting.parentAttempts.${i}.result`,
      `meeting.parentAttempts[${i}].result`,
      attempt.result,
      'What came of an attempt to involve the parents in the meeting (34 CFR 300.322(d))',
    );
  });
}
