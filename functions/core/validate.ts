/**
 * From raw input to a decision, or to every problem with it: schema first, then,
 * for a decision that has the right shape, the completeness gate.
 */
import { checkCompleteness } from './completeness.ts';
import type { Decision } from './decision.ts';
import { readDecision } from './decision-v2.ts';
import type { Problem } from './problems.ts';
import { schemaProblems } from './schema-messages.ts';

export { schemaProblems };

/** The outcome of reading one decision. */
export type DecisionCheck =
  | { kind: 'invalid'; problems: Problem[] }
  | { kind: 'checked'; decision: Decision; problems: Problem[] };

/** Parses a decision against the schema (no completeness rules). */
export function parseDecision(input: unknown): { decision: Decision } | { problems: Problem[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { problems: [{ path: '(decision)', message: 'expected a JSON object' }] };
  const result = readDecision(input as Record<string, unknown>);
  return result.success
    ? { decision: result.data }
    : { problems: schemaProblems(result.error, input) };
}

/**
 * Schema, then completeness: `problems` empty means an official IEP can be issued. `state`
 * is the district profile's (its ages apply); without it, the federal rule.
 */
export function checkDecision(input: unknown, options: { state?: string } = {}): DecisionCheck {
  const parsed = parseDecision(input);
  if ('problems' in parsed) return { kind: 'invalid', problems: parsed.problems };
  return {
    kind: 'checked',
    decision: parsed.decision,
    problems: checkCompleteness(parsed.decision, options),
  };
}

/** Parses JSON text; a syntax error is a problem at `(file)`. */
export function parseJson(text: string): { value: unknown } | { problems: Problem[] } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return {
      problems: [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }],
    };
  }
}
