import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { DistrictDirectory } from '../../functions/core/district.ts';
import { awsPlatform, signingMode } from '../../functions/platform/aws.ts';
import { profileTimestamping } from '../../functions/platform/aws-signing-trust.ts';

const district = loadDistrictDirectory().get('example-usd');
const withTsa = (url: string) => ({
  ...district,
  signing: { ...district.signing, timestampAuthorityUrl: url },
});

describe('time-stamps of signatures made in AWS', () => {
  it("uses each profile's signing.timestampAuthorityUrl, one client per URL, none without one", () => {
    const made: string[] = [];
    const trust = profileTimestamping((url) => {
      made.push(url);
      return { name: new URL(url).host, timestamp: async () => new Uint8Array() };
    });

    const first = trust.timestampAuthority(withTsa('https://tsa.example.org/rfc3161'));
    const again = trust.timestampAuthority(withTsa('https://tsa.example.org/rfc3161'));
    const other = trust.timestampAuthority(withTsa('https://tsa.example.net/'));

    expect(first?.name).toBe('tsa.example.org');
    expect(again).toBe(first);
    expect(other?.name).toBe('tsa.example.net');
    expect(made).toEqual(['https://tsa.example.org/rfc3161', 'https://tsa.example.net/']);
    const { timestampAuthorityUrl: _none, ...untimed } = district.signing;
    expect(trust.timestampAuthority({ ...district, signing: untimed })).toBeUndefined();
  });

  it("is the AWS platform's trust, so documents, packets and notices are time-stamped", async () => {
    const data = { certificates: [new Uint8Array([1])], crls: [new Uint8Array([2])] };
    const signer = { certificates: async () => [], sign: async () => new Uint8Array() };
    const env = { AWS_REGION: 'us-east-1', IEP_DISTRICTS_DIR: 'config/districts' };
    const districts = () => loadDistrictDirectory();
    const longTerm = awsPlatform(
      { signer: async () => ({ ...signer, validationData: async () => data }), districts },
      env,
    );
    const plain = awsPlatform({ signer: async () => signer, districts }, env);

    expect(longTerm.trust?.timestampAuthority(withTsa('https://tsa.example.org/'))?.name).toBe(
      'tsa.example.org',
    );
    // The validation data (B-LT) is the signer's: its chain and CRLs; none from a plain signer.
    expect(await longTerm.trust?.validationData()).toBe(data);
    expect(await plain.trust?.validationData()).toBeUndefined();
  });
});

describe('the signing mode in AWS', () => {
  const profiles = (...modes: (string | undefined)[]) =>
    DistrictDirectory.parse(
      modes.map((mode, i) => ({
        ...district,
        districtId: `district-${i}`,
        signing: { ...district.signing, ...(mode ? { mode } : {}) },
      })),
    );

  it('is the short-lived leaf unless a profile asks for KMS per document; the variable overrides', () => {
    expect(signingMode(undefined, profiles(undefined))).toBe('short-lived-leaf');
    expect(signingMode(undefined, profiles('short-lived-leaf', 'kms-per-document'))).toBe(
      'kms-per-document',
    );
    expect(signingMode('short-lived-leaf', profiles('kms-per-document'))).toBe('short-lived-leaf');
    expect(signingMode('kms-per-document', profiles(undefined))).toBe('kms-per-document');
  });

  it('names a mode it does not know, in the profile or the variable', () => {
    expect(() => profiles('kms-sometimes')).toThrow(/signing\.mode/);
    expect(() => signingMode('fast', profiles(undefined))).toThrow(
      /IEP_SIGNING_MODE: unknown mode "fast"/,
    );
  });
});
