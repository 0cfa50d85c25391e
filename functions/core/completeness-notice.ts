/**
 * The completeness rule of prior written notice: the seven elements a notice must contain
 * when the district proposes or refuses to initiate or change the child's identification,
 * evaluation, placement or services (34 CFR 300.503(b)(1)-(7)), each missing element reported
 * at its own path.
 */
import { blank, type CompletenessRule, missing } from './completeness-support.ts';
import type { Problem } from './problems.ts';

/** Prior written notice: all seven elements (300.503(b)). */
export const priorWrittenNoticeRule: CompletenessRule = {
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
};
