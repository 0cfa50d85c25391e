/**
 * Time-stamps and validation data for signatures made in AWS: each district profile's
 * `signing.timestampAuthorityUrl` (RFC 3161 over HTTP), one client per URL per container, and
 * the signer's chain with its CRLs (the issuing CA's own CRL, signed in KMS, and its root's,
 * fetched from the distribution point), and the authority's own chain with its CRLs (probed
 * once per container), so documents are PAdES B-LT (docs/deploying.md).
 */
import { ChainRevocation } from '../adapters/chain-revocation.ts';
import { httpTimestampAuthority } from '../adapters/http-timestamp-authority.ts';
import { ProbedTimestampAuthority } from '../adapters/tsa-chain.ts';
import type { DistrictProfile } from '../core/district.ts';
import type { SigningTrust } from '../render/engine.ts';
import type { TimestampAuthority, ValidationData } from '../render/signing/index.ts';

/**
 * The profiles' time-stamping authorities; `make` builds one client (tests hand their own);
 * `validationData` is the signer's (none: B-T).
 */
export function profileTimestamping(
  make: (url: string) => TimestampAuthority = (url) => httpTimestampAuthority({ url }),
  validationData: () => Promise<ValidationData | undefined> = async () => undefined,
): SigningTrust {
  const byUrl = new Map<string, ProbedTimestampAuthority>();
  const revocation = new ChainRevocation();
  const authority = (district: DistrictProfile) => {
    const url = district.signing.timestampAuthorityUrl;
    if (!url) return undefined;
    let found = byUrl.get(url);
    if (!found) {
      found = new ProbedTimestampAuthority(make(url), revocation);
      byUrl.set(url, found);
    }
    return found;
  };
  return {
    timestampAuthority: authority,
    validationData,
    timestampValidationData: async (district) => authority(district)?.validationData(),
  };
}
