/**
 * Whether a signed document can be relied on: intact (`verify.ts`), and signed by a
 * certificate that chains to a trust anchor, valid at the signing time proven by an
 * RFC 3161 time-stamp (or now, without one), allowed to sign documents, not revoked.
 */
import type { SignatureLevel } from './sign.ts';
import { checkTimestampToken, parseTimestampToken } from './timestamp.ts';
import { hasDocumentSigningEku, validatePath } from './trust.ts';
import { type VerifyResult, verifyPdf } from './verify.ts';

/** A trusted issuer certificate and what its district demands of signers. */
export interface TrustAnchor {
  certificate: Uint8Array;
  /** Where it came from (a profile, a --trust file), for messages. */
  source: string;
  requireDocumentSigningEku?: boolean;
}

/** What to trust and when it is. */
export interface TrustOptions {
  anchors: readonly TrustAnchor[];
  /** CRLs the verifier brings, besides the document's own. */
  crls?: readonly Uint8Array[];
  /** The verification time, used when the signature carries no time-stamp. */
  now: Date;
}

/** The full answer about one signed document. */
export interface DocumentValidation extends VerifyResult {
  trusted: boolean;
  /** Why it is not intact or not trusted; null when it is both. */
  reason: string | null;
  issuer: string | null;
  timestamp: { time: string; authority: string } | null;
  level: SignatureLevel | null;
  documentId: string | null;
  decisionId: string | null;
  version: number | null;
}

/** A certificate path whose revocation data the DSS must hold for B-LT. */
interface PathToCover {
  leaf: Uint8Array;
  intermediates: readonly Uint8Array[];
  at: Date;
  purpose: 'document-signing' | 'time-stamping';
}

/**
 * Whether the document's own DSS holds the revocation data of every certificate on the
 * signer's path and on its time-stamp's signer's path (ETSI EN 319 142-1 §5.4: B-LT
 * validates offline with what it carries).
 */
function revocationInDss(
  evidence: NonNullable<VerifyResult['evidence']>,
  paths: readonly PathToCover[],
  anchors: readonly Uint8Array[],
): boolean {
  return paths.every((path) => {
    const checked = validatePath({ ...path, anchors, crls: evidence.dssCrls });
    return checked.trusted && checked.revocation === 'good';
  });
}

/**
 * The signature's time-stamp: its own integrity and its signer's path at its time; the path
 * is one the DSS must cover for B-LT. A reason instead when it cannot be relied on.
 */
function checkTimestamp(
  evidence: NonNullable<VerifyResult['evidence']>,
  tokenDer: Uint8Array,
  pool: readonly Uint8Array[],
  anchors: readonly Uint8Array[],
  crls: readonly Uint8Array[],
): { path: PathToCover; timestamp: { time: string; authority: string } } | { reason: string } {
  try {
    const token = parseTimestampToken(tokenDer);
    const tsa = checkTimestampToken(token, evidence.signatureValue);
    const path: PathToCover = {
      leaf: tsa,
      intermediates: [...token.certificates, ...pool],
      at: token.genTime,
      purpose: 'time-stamping',
    };
    const checked = validatePath({ ...path, anchors, crls });
    if (!checked.trusted) return { reason: checked.reason };
    return { path, timestamp: { time: token.genTime.toISOString(), authority: checked.subject } };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

/**
 * The answer before trust is checked: the integrity result, its reason when not intact, and the
 * document id, decision id and version read from the signed /Keywords.
 */
function notYetTrusted(result: VerifyResult): DocumentValidation {
  const [documentId, decisionId, versionText] = (result.evidence?.keywords ?? '')
    .split(',')
    .map((part) => part.trim());
  const version = /^v\d+$/.test(versionText ?? '') ? Number(versionText?.slice(1)) : null;
  return {
    ...result,
    trusted: false,
    reason: result.intact ? null : result.problems.join('; '),
    issuer: null,
    timestamp: null,
    level: null,
    documentId: documentId || null,
    decisionId: decisionId || null,
    version,
  };
}

/** Validates integrity and trust; never throws for a malformed file. */
export function validateDocument(bytes: Uint8Array, options: TrustOptions): DocumentValidation {
  const result = verifyPdf(bytes);
  const evidence = result.evidence;
  const out = notYetTrusted(result);
  if (!result.intact || !evidence) {
    out.reason ??= 'no signature evidence';
    return out;
  }
  out.level = evidence.timestampToken
    ? evidence.dssCertificates.length > 0 && evidence.dssCrls.length > 0
      ? 'B-LT'
      : 'B-T'
    : 'B-B';
  const anchors = options.anchors.map((anchor) => anchor.certificate);
  const pool = [...evidence.certificates, ...evidence.dssCertificates];
  const crls = [...evidence.dssCrls, ...(options.crls ?? [])];
  let at = options.now;
  const toCover: PathToCover[] = [];
  if (evidence.timestampToken) {
    const stamp = checkTimestamp(evidence, evidence.timestampToken, pool, anchors, crls);
    if ('reason' in stamp) {
      out.reason = `time-stamp: ${stamp.reason}`;
      return out;
    }
    at = stamp.path.at;
    toCover.push(stamp.path);
    out.timestamp = stamp.timestamp;
  }
  const path = validatePath({
    leaf: evidence.signerCertificate,
    intermediates: pool,
    anchors,
    crls,
    at,
    purpose: 'document-signing',
  });
  if (!path.trusted) {
    out.reason = path.reason;
    return out;
  }
  const anchor = options.anchors.find((candidate) =>
    Buffer.from(candidate.certificate).equals(path.anchor),
  );
  if (anchor?.requireDocumentSigningEku && !hasDocumentSigningEku(evidence.signerCertificate)) {
    out.reason = `the signer lacks the document-signing extended key usage ${anchor.source} requires`;
    return out;
  }
  out.trusted = true;
  out.issuer = path.issuer;
  toCover.push({
    leaf: evidence.signerCertificate,
    intermediates: pool,
    at,
    purpose: 'document-signing',
  });
  if (out.level === 'B-LT' && !revocationInDss(evidence, toCover, anchors)) out.level = 'B-T';
  return out;
}
