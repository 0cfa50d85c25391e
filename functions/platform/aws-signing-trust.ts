/**
 * Time-stamps and validation data for signatures made in AWS: each district profile's
 * `signing.timestampAuthorityUrl` (RFC 3161 over HTTP), one client per URL per container, and
 * the signer's chain with its CRLs (the issuing CA's own CRL, signed in KMS, and its root's,
 * fetched from the distribution point), so documents are PAdES B-LT (docs/deploying.md).
 */
import { httpTimestampAuthority } from '../adapters/http-timestamp-authority.ts';
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
  const byUrl = new Map<string, TimestampAuthority>();
  return {
    timestampAuthority(district) {
      const url = district.signing.timestampAuthorityUrl;
      if (!url) return undefined;
      let found = byUrl.get(url);
      if (!found) {
        found = make(url);
        byUrl.set(url, found);
      }
      return found;
    },
    validationData,
  };
}
