/** What every completeness rule is made of. */
import type { Decision } from './decision.ts';
import type { Problem } from './problems.ts';
import type { StateLaw } from './state-law.ts';

/** A completeness rule. */
export interface CompletenessRule {
  /** Stable name, reported with each problem (`goal-measurable`). */
  name: string;
  /** The rule's regulation; a problem may name a more precise paragraph. */
  cfr: string;
  /** What the rule requires, in a sentence. */
  requires: string;
  /** The problems of `decision` under the district's state rules `law`. */
  check(decision: Decision, law: StateLaw): Omit<Problem, 'rule'>[];
}

export const blank = (value: string | undefined): boolean => !value || value.trim() === '';

export const missing = (path: string, what: string, cfr: string) => ({
  path,
  message: `${what} is required`,
  cfr,
});
