/**
 * Whether a link's decision version is still the one in force. Checked when a link is opened,
 * so that a link written by a delivery that raced a withdrawal or a newer version (after their
 * revocation had listed the deliveries) opens nothing either.
 */

/** One version of a decision and its status, as the district's system wrote it. */
export interface VersionStatus {
  version: number;
  status: string;
  /** When a finalized version was finalized (ISO 8601), where the reader has it. */
  finalizedAt?: string;
}

/**
 * True when `version` is finalized and no later version is: a withdrawn version, and one
 * superseded by a finalized amendment (which may also remove a guardian), are not in force.
 * A later draft does not supersede anything (34 CFR 300.324(a)(4)-(6): an IEP changes when the
 * amendment is agreed, i.e. finalized).
 */
export function versionInForce(version: number, versions: readonly VersionStatus[]): boolean {
  const own = versions.find((v) => v.version === version);
  if (own?.status !== 'finalized') return false;
  return !versions.some((v) => v.version > version && v.status === 'finalized');
}
