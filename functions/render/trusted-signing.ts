/**
 * What makes a district's signature last (PAdES B-T/B-LT): its time-stamping authority and the
 * validation data for the DSS, from the platform's {@link SigningTrust}, and the level the
 * district's profile requires. Documents, postal packets and calendar notices take them alike.
 */
import type { DistrictProfile } from '../core/district.ts';
import type { SigningTrust } from './engine.ts';
import type { SignatureLevel, SignOptions, ValidationData } from './signing/index.ts';

/** The sign options a district's trust services give (none: B-B). */
export type TrustedSigning = Pick<
  SignOptions,
  'timestampAuthority' | 'validationData' | 'allowBaselineB' | 'requiredLevel'
>;

/**
 * The lowest PAdES level `district` accepts: its `signing.minimumLevel`; by default B-LT when
 * it names a time-stamping authority (a time-stamp alone cannot be validated once the CA's
 * revocation service is gone) and B-B when it names none. `allowBaselineB` accepts B-B.
 */
export function requiredLevel(district: DistrictProfile): SignatureLevel {
  const { signing } = district;
  if (signing.allowBaselineB) return 'B-B';
  return signing.minimumLevel ?? (signing.timestampAuthorityUrl ? 'B-LT' : 'B-B');
}

/** The signer's and the time-stamping authority's validation data in one DSS, without repeats. */
function merged(
  signer: ValidationData | undefined,
  authority: ValidationData | undefined,
): ValidationData | undefined {
  if (!signer || !authority) return signer && !authority ? signer : undefined;
  const unique = (list: Uint8Array[]) =>
    list.filter((item, i) => list.findIndex((other) => Buffer.from(other).equals(item)) === i);
  return {
    certificates: unique([...signer.certificates, ...authority.certificates]),
    crls: unique([...signer.crls, ...authority.crls]),
  };
}

/**
 * The time-stamp authority and validation data of `district`'s signatures. Validation data
 * that cannot be had fails here when the district requires B-LT, and leaves B-T otherwise.
 */
export async function trustedSigning(
  trust: SigningTrust | undefined,
  district: DistrictProfile,
): Promise<TrustedSigning> {
  const required = requiredLevel(district);
  const timestampAuthority = trust?.timestampAuthority(district);
  let validationData: Awaited<ReturnType<SigningTrust['validationData']>>;
  if (timestampAuthority) {
    try {
      validationData = merged(
        await trust?.validationData(),
        await trust?.timestampValidationData?.(district),
      );
    } catch (cause) {
      if (required === 'B-LT')
        throw new Error(`the validation data (CRLs) for ${district.districtId}'s B-LT signatures`, {
          cause,
        });
    }
  }
  return {
    ...(timestampAuthority ? { timestampAuthority } : {}),
    ...(validationData ? { validationData } : {}),
    allowBaselineB: district.signing.allowBaselineB,
    requiredLevel: required,
  };
}
