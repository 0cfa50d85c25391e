/**
 * Time-stamps and validation data for the CLI's signatures: the district's
 * `signing.timestampAuthorityUrl` (or `IEP_TSA_URL` for every district), and, for the
 * development CA, its chain and a fresh CRL for the DSS, so documents reach B-LT; for a
 * district's own identity, its chain's CRLs from their distribution points.
 */
import { ChainRevocation } from '../adapters/chain-revocation.ts';
import { httpTimestampAuthority } from '../adapters/http-timestamp-authority.ts';
import type { SigningTrust } from '../render/engine.ts';
import { issueCrl } from '../render/signing/certificates.ts';
import type { LocalSigner, TimestampAuthority } from '../render/signing/index.ts';

/**
 * Validation data of a development identity: its chain and a CRL its root signs now; of
 * another identity, its chain and the CRLs its certificates' distribution points publish.
 */
export function developmentValidationData(
  signer: LocalSigner,
  clock: () => Date = () => new Date(),
): SigningTrust['validationData'] {
  const ca = signer.developmentCa;
  const revocation = new ChainRevocation({ clock });
  return async () => {
    if (!ca) {
      const certificates = await signer.certificates();
      return { certificates, crls: await revocation.crls(certificates) };
    }
    const now = clock();
    const crl = issueCrl(
      {
        issuerCertificate: ca.certificate,
        thisUpdate: now,
        nextUpdate: new Date(now.getTime() + 7 * 86_400_000),
      },
      ca.key,
    );
    return { certificates: await signer.certificates(), crls: [crl] };
  };
}

/** The trust the environment and the profiles configure (B-B when neither names a TSA). */
export function configuredTrust(signer: LocalSigner, env: NodeJS.ProcessEnv): SigningTrust {
  const byUrl = new Map<string, TimestampAuthority>();
  const authority = (url: string): TimestampAuthority => {
    let found = byUrl.get(url);
    if (!found) {
      found = httpTimestampAuthority({ url });
      byUrl.set(url, found);
    }
    return found;
  };
  return {
    timestampAuthority(district) {
      const url = env.IEP_TSA_URL || district.signing.timestampAuthorityUrl;
      return url ? authority(url) : undefined;
    },
    validationData: developmentValidationData(signer),
  };
}
