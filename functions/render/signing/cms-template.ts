/**
 * The CMS of one signer's chain, built by the library once and filled in per signature.
 *
 * Between two B-B signatures by the same chain only two fields change, and both have a fixed
 * length: the message digest (32 bytes, SHA-256) and the signature value (the key's modulus
 * length). So cms.ts builds the signed attributes and the SignedData once per chain with
 * sentinel bytes in those fields, and each signature copies that encoding and writes its own
 * bytes where the sentinels were. Every other byte is the library's. Building through the
 * library on every signature cost more than the rest of signing (docs/scale.md).
 *
 * A signature with a time-stamp token (B-T, B-LT) changes the structure's lengths, so it is
 * built by the library in full; the token's network round trip dwarfs that cost anyway.
 */
import { randomBytes } from 'node:crypto';
import { signedAttributes as buildAttributes, signedData as buildSignedData } from './cms.ts';

interface Template {
  /** The chain the template was built for, compared by identity. */
  chain: readonly Uint8Array[];
  signatureLength: number;
  attributes: Buffer;
  /** Where the digest goes in `attributes`. */
  attributesDigestAt: number;
  signedData: Buffer;
  /** Where the signed attributes' content (after their tag) and the signature go in `signedData`. */
  signedDataAttributesAt: number;
  signedDataSignatureAt: number;
}

const DIGEST_LENGTH = 32;
const templates = new WeakMap<Uint8Array, Template[]>();

/** The one offset of `needle` in `haystack`: a sentinel found twice (or never) is unusable. */
function onlyOffset(haystack: Buffer, needle: Buffer): number | undefined {
  const at = haystack.indexOf(needle);
  if (at < 0 || haystack.indexOf(needle, at + 1) >= 0) return undefined;
  return at;
}

function buildTemplate(
  chain: readonly Uint8Array[],
  signatureLength: number,
): Template | undefined {
  const digest = randomBytes(DIGEST_LENGTH);
  const signature = randomBytes(signatureLength);
  const attributes = buildAttributes(digest, chain);
  const signedData = buildSignedData(attributes, chain, signature);
  // The SET's content, as it appears under the SignerInfo's [0] IMPLICIT tag.
  const attributesContent = attributes.subarray(1);
  const attributesDigestAt = onlyOffset(attributes, digest);
  const signedDataAttributesAt = onlyOffset(signedData, attributesContent);
  const signedDataSignatureAt = onlyOffset(signedData, signature);
  if (
    attributesDigestAt === undefined ||
    signedDataAttributesAt === undefined ||
    signedDataSignatureAt === undefined
  )
    return undefined;
  return {
    chain,
    signatureLength,
    attributes,
    attributesDigestAt,
    signedData,
    signedDataAttributesAt,
    signedDataSignatureAt,
  };
}

const sameChain = (a: readonly Uint8Array[], b: readonly Uint8Array[]) =>
  a.length === b.length && a.every((certificate, i) => certificate === b[i]);

function templateFor(chain: readonly Uint8Array[], signatureLength: number): Template | undefined {
  const [signer] = chain;
  if (!signer) return undefined;
  const known = templates.get(signer) ?? [];
  let template = known.find(
    (t) => t.signatureLength === signatureLength && sameChain(t.chain, chain),
  );
  if (!template) {
    template = buildTemplate(chain, signatureLength);
    if (!template) return undefined;
    // A signer hands out the same certificate objects each time; a new chain replaces the old.
    templates.set(signer, [...known.filter((t) => sameChain(t.chain, chain)), template]);
  }
  return template;
}

/** The signed attributes (DER SET) for `digest`: byte for byte what cms.ts builds. */
export function signedAttributesFor(
  digest: Uint8Array,
  chain: readonly Uint8Array[],
  signatureLength: number,
): Buffer {
  const template =
    digest.length === DIGEST_LENGTH ? templateFor(chain, signatureLength) : undefined;
  if (!template) return buildAttributes(digest, chain);
  const attributes = Buffer.from(template.attributes);
  attributes.set(digest, template.attributesDigestAt);
  return attributes;
}

/** The ContentInfo(SignedData) DER: byte for byte what cms.ts builds. */
export function signedDataFor(
  attributes: Buffer,
  chain: readonly Uint8Array[],
  signature: Uint8Array,
  timestampToken?: Uint8Array,
): Buffer {
  const template = timestampToken ? undefined : templateFor(chain, signature.length);
  if (!template || !fillsTemplate(template, attributes))
    return buildSignedData(attributes, chain, signature, timestampToken);
  const signedData = Buffer.from(template.signedData);
  attributes.copy(signedData, template.signedDataAttributesAt, 1);
  signedData.set(signature, template.signedDataSignatureAt);
  return signedData;
}

/** Whether `attributes` are the template's with another digest (anything else is built in full). */
function fillsTemplate(template: Template, attributes: Buffer): boolean {
  const at = template.attributesDigestAt;
  return (
    attributes.length === template.attributes.length &&
    attributes.compare(template.attributes, 0, at, 0, at) === 0 &&
    attributes.compare(template.attributes, at + DIGEST_LENGTH, undefined, at + DIGEST_LENGTH) === 0
  );
}
