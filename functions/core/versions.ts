/**
 * Which version of a decision is in force, from the outcomes of its versions: a pure rule, read
 * by the render use case (supersession, delivery) and by the regeneration job's scan alike.
 */

/** The parts of a version's outcome the rule reads. */
export interface VersionState {
  readonly version: number;
  /** `documents-ready` when the version's documents were produced; `calendar-closed` for an exit without any. */
  readonly outcome: string;
  /** Set when the district withdrew the version after it was processed. */
  readonly withdrawnAt?: string | undefined;
}

/** Outcomes of a finalized version that took effect (an exit requiring no document, too). */
export const IN_FORCE_OUTCOMES: readonly string[] = ['documents-ready', 'calendar-closed'];

/**
 * The version in force: the highest version whose documents are ready (or that closed the
 * calendar by an exit requiring none) and that was not withdrawn. Earlier versions' documents stay on record. Undefined when none is.
 */
export function versionInForce(outcomes: readonly VersionState[]): number | undefined {
  return outcomes
    .filter((o) => IN_FORCE_OUTCOMES.includes(o.outcome) && !o.withdrawnAt)
    .reduce<number | undefined>(
      (max, o) => (max === undefined || o.version > max ? o.version : max),
      undefined,
    );
}
