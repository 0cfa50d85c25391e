/**
 * Time-stamps for signatures made in AWS: each district profile's
 * `signing.timestampAuthorityUrl` (RFC 3161 over HTTP), one client per URL per container.
 * Documents are then PAdES B-T. No validation data is added (B-LT needs the issuing CA's CRL or
 * OCSP responses, which the stack does not fetch yet): docs/deploying.md says so.
 */
import { httpTimestampAuthority } from '../adapters/http-timestamp-authority.ts';
import type { SigningTrust } from '../render/engine.ts';
import type { TimestampAuthority } from '../render/signing/index.ts';

/** The profiles' time-stamping authorities; `make` builds one client (tests hand their own). */
export function profileTimestamping(
  make: (url: string) => TimestampAuthority = (url) => httpTimestampAuthority({ url }),
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
    validationData: async () => undefined,
  };
}
