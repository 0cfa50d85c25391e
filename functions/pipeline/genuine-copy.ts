/**
 * "Is this copy genuine?": what a district states publicly about one of its documents, found by
 * the code printed in every footer (the document id), and whether an uploaded file is that
 * document, by its hash and by its signature. The answer holds facts about the document only
 * (district, type, language, date issued, version, standing, hash), never about the student or
 * the family: the decision id, names and the S3 key stay inside.
 */
import { createHash } from 'node:crypto';
import { calendarDateIn } from '../core/dates.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { DocumentType } from '../core/documents.ts';
import type { VersionStatus } from './link-standing.ts';
import type { DocumentRecords } from './ports.ts';

/**
 * The largest upload read: API Gateway hands Lambda at most 6 MB, base64 included; the
 * district's documents are far smaller (see docs/scale.md).
 */
export const MAX_UPLOAD_BYTES = 4 * 2 ** 20;

/** Whether a document's version is the one in force (34 CFR 300.324(a)(4)-(6)). */
export type Standing =
  | { state: 'in-force' }
  /** A later version was finalized (agreed); `on` is its finalization date when recorded. */
  | { state: 'superseded'; byVersion: number; on: string | null }
  | { state: 'withdrawn' }
  /** A draft, or a version the district's system no longer lists. */
  | { state: 'not-in-force' };

/** The public facts of one document. */
export interface CopyFacts {
  documentId: string;
  districtId: string;
  type: DocumentType;
  language: string;
  /** The date it was issued (signed and stored), in the district's time zone. */
  issuedOn: string;
  version: number;
  standing: Standing;
  /** SHA-256 of the genuine file, hex. */
  sha256: string;
}

/** What the signature of an uploaded file says (see `validateDocument`). */
export type SignatureFinding = 'trusted' | 'not-trusted' | 'not-intact' | 'unsigned';

/** The check of an uploaded file. */
export interface UploadCheck {
  uploadedSha256: string;
  /** The code the file names in its metadata, when signed. */
  namedCode: string | null;
  signature: SignatureFinding;
  /** True when the file is byte for byte the genuine file of `facts`. */
  sameFile: boolean;
}

/** What the signature check needs of a validation (a `DocumentValidation` fits). */
export interface SignatureValidation {
  intact: boolean;
  trusted: boolean;
  documentId: string | null;
  /** Why it is not intact: `no signature`, or `cannot read …` for a file that is no PDF. */
  problems: readonly string[];
}

export interface GenuineCopyDeps {
  records: Pick<DocumentRecords, 'get'>;
  /** The versions of a decision and their status (and finalization time when recorded). */
  versions: (decisionId: string) => Promise<VersionStatus[]>;
  districts: DistrictDirectory;
  /** Validates a signed PDF against the deployment's trust anchors; never throws. */
  validate: (bytes: Uint8Array) => SignatureValidation;
}

/** A document code as typed (spaces, capitals tolerated), or undefined when it cannot be one. */
export function normalizeDocumentCode(text: string): string | undefined {
  const code = text.replace(/\s+/g, '').toLowerCase();
  return /^doc_[0-9a-f]{24}$/.test(code) ? code : undefined;
}

/** The standing of `version` among a decision's versions. */
export function standingOf(version: number, versions: readonly VersionStatus[]): Standing {
  const own = versions.find((v) => v.version === version);
  if (own?.status === 'withdrawn') return { state: 'withdrawn' };
  if (own?.status !== 'finalized') return { state: 'not-in-force' };
  // The first finalized version after it superseded it (an agreed amendment, 300.324(a)(4)).
  const next = versions
    .filter((v) => v.version > version && v.status === 'finalized')
    .sort((a, b) => a.version - b.version)[0];
  if (!next) return { state: 'in-force' };
  return { state: 'superseded', byVersion: next.version, on: next.finalizedAt ?? null };
}

/** Answers the verification page's questions. */
export class GenuineCopies {
  constructor(private readonly deps: GenuineCopyDeps) {}

  /** The facts of the document a code names; undefined for any code this deployment cannot answer. */
  async byCode(text: string): Promise<CopyFacts | undefined> {
    const code = normalizeDocumentCode(text);
    if (!code) return undefined;
    const record = await this.deps.records.get(code);
    // Another deployment's district is unknown here, like a mistyped code.
    if (!record || !this.deps.districts.has(record.districtId)) return undefined;
    const district = this.deps.districts.get(record.districtId);
    const versions = await this.deps.versions(record.decisionId);
    const standing = standingOf(record.version, versions);
    return {
      documentId: record.documentId,
      districtId: record.districtId,
      type: record.type,
      language: record.language,
      issuedOn: calendarDateIn(new Date(record.createdAt), district.timeZone),
      version: record.version,
      standing:
        standing.state === 'superseded' && standing.on
          ? { ...standing, on: calendarDateIn(new Date(standing.on), district.timeZone) }
          : standing,
      sha256: record.sha256,
    };
  }

  /**
   * Checks an uploaded file: the code it names in its signed metadata (else the typed one)
   * finds the document, whose recorded hash the file's is compared with.
   */
  async byUpload(
    bytes: Uint8Array,
    typedCode?: string,
  ): Promise<{ facts: CopyFacts | undefined; upload: UploadCheck }> {
    const uploadedSha256 = createHash('sha256').update(bytes).digest('hex');
    const validation = this.deps.validate(bytes);
    const namedCode = validation.documentId
      ? (normalizeDocumentCode(validation.documentId) ?? null)
      : null;
    const signature: SignatureFinding = validation.intact
      ? validation.trusted
        ? 'trusted'
        : 'not-trusted'
      : validation.problems.some((p) => p === 'no signature' || p.startsWith('cannot read'))
        ? 'unsigned'
        : 'not-intact';
    const code = namedCode ?? (typedCode ? normalizeDocumentCode(typedCode) : undefined);
    const facts = code ? await this.byCode(code) : undefined;
    return {
      facts,
      upload: {
        uploadedSha256,
        namedCode,
        signature,
        sameFile: facts !== undefined && facts.sha256 === uploadedSha256,
      },
    };
  }
}
