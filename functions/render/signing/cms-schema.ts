/**
 * The ASN.1 types of cms.ts that @peculiar/asn1-cms does not give: the ESS
 * signing-certificate-v2 attribute (RFC 5035 §3), a SET OF Attribute, and a ContentInfo whose
 * content is typed as SignedData (read in one pass instead of two). The decorators are applied
 * as calls (the project compiles without TypeScript's legacy decorators).
 */
import {
  Attribute,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  RevocationInfoChoices,
  SignerInfos,
} from '@peculiar/asn1-cms';
import {
  AsnAnyConverter,
  AsnArray,
  AsnIntegerArrayBufferConverter,
  AsnProp,
  AsnPropTypes,
  AsnType,
  AsnTypeTypes,
  type IAsnConverter,
  OctetString,
} from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, GeneralNames } from '@peculiar/asn1-x509';

/** IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber } */
export class IssuerSerial {
  issuer = new GeneralNames();
  serialNumber = new ArrayBuffer(0);
  constructor(params: Partial<IssuerSerial> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: GeneralNames })(IssuerSerial.prototype, 'issuer');
AsnProp({ type: AsnPropTypes.Integer, converter: AsnIntegerArrayBufferConverter })(
  IssuerSerial.prototype,
  'serialNumber',
);

/**
 * ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT id-sha256, certHash OCTET STRING,
 * issuerSerial OPTIONAL }. The default hash algorithm is left out, as DER requires.
 */
export class EssCertIdV2 {
  hashAlgorithm?: AlgorithmIdentifier;
  certHash = new OctetString();
  issuerSerial?: IssuerSerial;
  constructor(params: Partial<EssCertIdV2> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AlgorithmIdentifier, optional: true })(EssCertIdV2.prototype, 'hashAlgorithm');
AsnProp({ type: OctetString })(EssCertIdV2.prototype, 'certHash');
AsnProp({ type: IssuerSerial, optional: true })(EssCertIdV2.prototype, 'issuerSerial');

/** SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies OPTIONAL } */
export class SigningCertificateV2 {
  certs: EssCertIdV2[] = [];
  /** Policies are not used here: their presence is kept as raw DER so a parse can reject it. */
  policies?: ArrayBuffer;
  constructor(params: Partial<SigningCertificateV2> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: EssCertIdV2, repeated: 'sequence' })(SigningCertificateV2.prototype, 'certs');
AsnProp({ type: AsnPropTypes.Any, optional: true })(SigningCertificateV2.prototype, 'policies');

/** A DER SET OF Attribute: the signed attributes as the signature covers them (RFC 5652 §5.4). */
export class AttributeSet extends AsnArray<Attribute> {
  constructor(items?: Attribute[]) {
    super(items);
    Object.setPrototypeOf(this, AttributeSet.prototype);
  }
}
AsnType({ type: AsnTypeTypes.Set, itemType: Attribute })(AttributeSet);

/**
 * The library's ANY converter, remembering what it made of each buffer: it decodes an ANY's
 * bytes on every encoding, and a signer's certificates are the same buffers document after
 * document (cms.ts keeps one per certificate), so each is decoded once.
 */
function cachedAny(): IAsnConverter<ArrayBuffer | null> {
  const decoded = new WeakMap<object, ReturnType<typeof AsnAnyConverter.toASN>>();
  return {
    fromASN: (value) => AsnAnyConverter.fromASN(value),
    toASN: (value) => {
      if (value === null) return AsnAnyConverter.toASN(value);
      let asn = decoded.get(value);
      if (!asn) {
        asn = AsnAnyConverter.toASN(value);
        decoded.set(value, asn);
      }
      return asn;
    },
  };
}

/**
 * SignedData (RFC 5652 §5.1) with its certificates kept as their encoded bytes: they are
 * hashed as they are (signing-certificate-v2) and parsed only when needed, which halves the
 * cost of reading a signature.
 */
export class SignedDataRawCertificates {
  version = 1;
  digestAlgorithms = new DigestAlgorithmIdentifiers();
  encapContentInfo = new EncapsulatedContentInfo();
  certificates?: ArrayBuffer[];
  crls?: RevocationInfoChoices;
  signerInfos = new SignerInfos();
  constructor(params: Partial<SignedDataRawCertificates> = {}) {
    Object.assign(this, params);
  }
}
const rawSignedData = SignedDataRawCertificates.prototype;
AsnProp({ type: AsnPropTypes.Integer })(rawSignedData, 'version');
AsnProp({ type: DigestAlgorithmIdentifiers })(rawSignedData, 'digestAlgorithms');
AsnProp({ type: EncapsulatedContentInfo })(rawSignedData, 'encapContentInfo');
AsnProp({
  type: AsnPropTypes.Any,
  repeated: 'set',
  context: 0,
  implicit: true,
  optional: true,
  converter: cachedAny(),
})(rawSignedData, 'certificates');
AsnProp({ type: RevocationInfoChoices, context: 1, implicit: true, optional: true })(
  rawSignedData,
  'crls',
);
AsnProp({ type: SignerInfos })(rawSignedData, 'signerInfos');

/** ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT SignedData } (RFC 5652 §3). */
export class SignedContentInfo {
  contentType = '';
  content = new SignedDataRawCertificates();
  constructor(params: Partial<SignedContentInfo> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AsnPropTypes.ObjectIdentifier })(SignedContentInfo.prototype, 'contentType');
AsnProp({ type: SignedDataRawCertificates, context: 0 })(SignedContentInfo.prototype, 'content');
