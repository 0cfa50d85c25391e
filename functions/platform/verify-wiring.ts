/**
 * How the "Is this copy genuine?" page is put together, for the download function and the
 * one-machine runtime alike: the document records, the decisions' versions, the deployment's
 * trust anchors (its profiles' `signing.trustAnchors`) and the page.
 */

import type { DistrictDirectory } from '../core/district.ts';
import { GenuineCopies, MAX_UPLOAD_BYTES } from '../pipeline/genuine-copy.ts';
import type { VersionStatus } from '../pipeline/link-standing.ts';
import type { DocumentRecords } from '../pipeline/ports.ts';
import { compileVerifyPage } from '../pipeline/verify-page.ts';
import type { Locale } from '../render/locales.ts';
import { validateDocument } from '../render/signing/index.ts';
import type { TrustAnchor } from '../render/signing/validate.ts';

export interface VerifyParts {
  records: Pick<DocumentRecords, 'get'>;
  decisions: { versions(decisionId: string): Promise<VersionStatus[]> };
  districts: DistrictDirectory;
  /** The anchors, read when the first file is checked (the development root may come later). */
  anchors: () => readonly TrustAnchor[];
  locales: ReadonlyMap<string, Locale>;
  /** Public base URL of the download endpoint: the form posts to `<base>/verify`. */
  baseUrl: string;
  clock: () => Date;
}

/** The page's use case and its page (`makeVerifyCopyHandler`'s dependencies but the log). */
export function verifyCopyParts(parts: VerifyParts) {
  if (!parts.locales.has('en')) throw new Error('no English locale');
  let anchors: readonly TrustAnchor[] | undefined;
  const copies = new GenuineCopies({
    records: parts.records,
    versions: (decisionId) => parts.decisions.versions(decisionId),
    districts: parts.districts,
    validate: (bytes) => {
      anchors ??= parts.anchors();
      return validateDocument(bytes, { anchors, now: parts.clock() });
    },
  });
  const page = compileVerifyPage({
    districts: parts.districts,
    locales: parts.locales,
    action: `${parts.baseUrl.replace(/\/+$/, '')}/verify`,
    maxUploadBytes: MAX_UPLOAD_BYTES,
  });
  return { copies, page };
}
