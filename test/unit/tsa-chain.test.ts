/**
 * A third-party time-stamping authority's chain for the DSS: probed once with a dummy digest,
 * its CRL checked; a document's token from a certificate the probe did not see (the authority
 * rotated) fails that signing, and the next attempt probes the new certificate.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChainRevocation } from '../../functions/adapters/chain-revocation.ts';
import { ProbedTimestampAuthority } from '../../functions/adapters/tsa-chain.ts';
import { issueCertificate, issueCrl } from '../../functions/render/signing/certificates.ts';
import {
  issueTimestampResponse,
  readTimestampResponse,
  type TimestampAuthority,
  timestampRequest,
} from '../../functions/render/signing/timestamp.ts';
import { testRoot } from './signing/fixtures.ts';

const now = new Date();
const day = 86_400_000;
const { certificate: root, privateKey: rootKey } = testRoot(
  'CN=Example Trust Services Root CA, O=Example Trust Services, C=US',
  now,
);
const crl = issueCrl(
  { issuerCertificate: root, thisUpdate: now, nextUpdate: new Date(now.getTime() + 7 * day) },
  rootKey,
);

/** A TSA signing key and certificate under `root`, its CRL at crl.test. */
function tsaIdentity(name: string) {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificate = issueCertificate(
    {
      subject: `CN=${name}, O=Example Trust Services, C=US`,
      publicKey: pair.publicKey,
      issuerCertificate: root,
      notBefore: new Date(now.getTime() - day),
      notAfter: new Date(now.getTime() + 365 * day),
      profile: 'time-stamping',
      crlUrl: 'http://crl.test/root.crl',
    },
    rootKey,
  );
  return { key: pair.privateKey, certificate, policy: '2.25.1' };
}

/** An authority answering through RFC 3161 encoding with whichever identity is current. */
function rotatingAuthority() {
  const state = { identity: tsaIdentity('TSA 2026'), requests: 0 };
  const authority: TimestampAuthority = {
    name: 'tsa.test',
    async timestamp(data) {
      state.requests++;
      const { der, nonce } = timestampRequest(data);
      return readTimestampResponse(
        issueTimestampResponse(der, state.identity, new Date()),
        data,
        nonce,
      );
    },
  };
  return { state, authority };
}

describe('a probed time-stamping authority', () => {
  it('gives its chain and CRL once, and refuses a token from a certificate it did not probe', async () => {
    // Prepare
    const { state, authority } = rotatingAuthority();
    const fetched: string[] = [];
    const revocation = new ChainRevocation({
      fetch: async (url) => {
        fetched.push(url);
        return crl;
      },
    });
    const probed = new ProbedTimestampAuthority(authority, revocation);

    // Act
    const first = await probed.validationData();
    const again = await probed.validationData();
    const token = await probed.timestamp(new Uint8Array([1, 2, 3]));
    const firstCertificate = state.identity.certificate;
    state.identity = tsaIdentity('TSA 2027');
    const rotated = await probed.timestamp(new Uint8Array([4])).catch((error: Error) => error);
    const refreshed = await probed.validationData();

    // Assess
    // The token carries only the TSA's certificate: its root is the verifier's anchor.
    expect(first.certificates).toEqual([firstCertificate]);
    expect(first.crls).toEqual([crl]);
    expect(again.certificates[0]).toBe(first.certificates[0]);
    expect(fetched).toEqual(['http://crl.test/root.crl']);
    expect(token.length).toBeGreaterThan(0);
    expect(rotated).toBeInstanceOf(Error);
    expect((rotated as Error).message).toMatch(/signed with a certificate other than/);
    expect(refreshed.certificates[0]).toEqual(state.identity.certificate);
    expect(state.requests).toBe(4);
  });

  it('fails the probe naming the authority when it does not answer', async () => {
    const probed = new ProbedTimestampAuthority(
      {
        name: 'down.test',
        timestamp: async () => {
          throw new Error('HTTP 503');
        },
      },
      new ChainRevocation({ fetch: async () => crl }),
    );

    const failed = await probed.validationData().catch((error: Error) => error);

    expect((failed as Error).message).toMatch(/probe time-stamping authority down\.test/);
    expect(((failed as Error).cause as Error).message).toBe('HTTP 503');
  });
});
