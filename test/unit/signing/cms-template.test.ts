import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signedAttributes, signedData } from '../../../functions/render/signing/cms.ts';
import {
  signedAttributesFor,
  signedDataFor,
} from '../../../functions/render/signing/cms-template.ts';
import { testIdentity } from './fixtures.ts';

// The filled-in template must be exactly what the library builds, for any digest and signature.
describe('the CMS template of a signer chain', () => {
  const chains = {
    'self-signed': testIdentity().certificates,
    'leaf and CA': testIdentity({ withCa: true }).certificates,
  };

  for (const [name, chain] of Object.entries(chains)) {
    it(`gives the library's bytes for 50 random digests and signatures (${name})`, () => {
      for (let i = 0; i < 50; i++) {
        const digest = randomBytes(32);
        const signature = randomBytes(256);
        const attributes = signedAttributesFor(digest, chain, 256);
        expect(attributes.equals(signedAttributes(digest, chain))).toBe(true);
        expect(
          signedDataFor(attributes, chain, signature).equals(
            signedData(attributes, chain, signature),
          ),
        ).toBe(true);
      }
    });
  }

  it('builds a signature with a time-stamp token in full (its lengths differ)', () => {
    const chain = chains['leaf and CA'];
    const attributes = signedAttributesFor(randomBytes(32), chain, 256);
    const signature = randomBytes(256);
    // Any DER value stands in for the token: the CMS carries it as it is.
    const octets = randomBytes(900);
    const inner = Buffer.concat([Buffer.from([0x04, 0x82, 0x03, 0x84]), octets]);
    const token = Buffer.concat([Buffer.from([0x30, 0x82, 0x03, 0x88]), inner]);
    const built = signedDataFor(attributes, chain, signature, token);
    expect(built.equals(signedData(attributes, chain, signature, token))).toBe(true);
    expect(built.length).toBeGreaterThan(signedDataFor(attributes, chain, signature).length);
  });

  it('builds attributes that are not the template’s in full', () => {
    const [leaf] = chains['leaf and CA'];
    // A chain of the leaf only: other attributes (signing-certificate-v2 lists one certificate).
    const shorter = [leaf as Buffer];
    const foreign = signedAttributes(randomBytes(32), shorter);
    const signature = randomBytes(256);
    const built = signedDataFor(foreign, chains['leaf and CA'], signature);
    expect(built.equals(signedData(foreign, chains['leaf and CA'], signature))).toBe(true);
  });

  it('keeps a template per key size (a 3072-bit signature value is 384 bytes)', () => {
    const chain = chains['self-signed'];
    const digest = randomBytes(32);
    const attributes = signedAttributesFor(digest, chain, 384);
    const signature = randomBytes(384);
    expect(
      signedDataFor(attributes, chain, signature).equals(signedData(attributes, chain, signature)),
    ).toBe(true);
  });
});
