import type { Problem } from './problems.ts';

/** The input is not a decision at all, or does not match the schema. Not retried. */
export class InvalidDecision extends Error {
  override readonly name = 'InvalidDecision';
  constructor(readonly problems: Problem[]) {
    super(`invalid decision: ${problems.length} problem(s)`);
  }
}

/** A finalized decision that lacks what the law requires of an IEP. Not retried. */
export class IncompleteIep extends Error {
  override readonly name = 'IncompleteIep';
  constructor(readonly problems: Problem[]) {
    super(`incomplete IEP: ${problems.length} rule(s) failed`);
  }
}

/** The decision names a district this deployment has no profile for. Not retried. */
export class UnknownDistrict extends Error {
  override readonly name = 'UnknownDistrict';
  constructor(readonly districtId: string) {
    super(`no district profile for districtId ${districtId}`);
  }
}

/** Domain failures are recorded as outcomes; anything else is infrastructure and retried. */
export function isDomainFailure(
  error: unknown,
): error is InvalidDecision | IncompleteIep | UnknownDistrict {
  return (
    error instanceof InvalidDecision ||
    error instanceof IncompleteIep ||
    error instanceof UnknownDistrict
  );
}
