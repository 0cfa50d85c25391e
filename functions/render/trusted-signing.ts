/**
 * What makes a district's signature last (PAdES B-T/B-LT): its time-stamping authority and the
 * validation data for the DSS, from the platform's {@link SigningTrust}. Documents, postal
 * packets and calendar notices take them alike, and the profile's `allowBaselineB` alike.
 */
import type { DistrictProfile } from '../core/district.ts';
import type { SigningTrust } from './engine.ts';
import type { SignOptions } from './signing/index.ts';

/** The sign options a district's trust services give (none: B-B). */
export type TrustedSigning = Pick<
  SignOptions,
  'timestampAuthority' | 'validationData' | 'allowBaselineB'
>;

/** The time-stamp authority and validation data of `district`'s signatures. */
export async function trustedSigning(
  trust: SigningTrust | undefined,
  district: DistrictProfile,
): Promise<TrustedSigning> {
  const timestampAuthority = trust?.timestampAuthority(district);
  const validationData = timestampAuthority ? await trust?.validationData() : undefined;
  return {
    ...(timestampAuthority ? { timestampAuthority } : {}),
    ...(validationData ? { validationData } : {}),
    allowBaselineB: district.signing.allowBaselineB,
  };
}
