/**
 * PDF signing (PAdES baseline B-B/B-T/B-LT, one incremental update), verification and trust.
 */

export type { ValidationData } from './incremental-update.ts';
export {
  DEVELOPMENT_ROOT_FILE,
  DEVELOPMENT_SUBJECT,
  type DevelopmentCa,
  type LocalSigner,
  type LocalSignerOptions,
  loadLocalSigner,
} from './local-signer.ts';
export { pdfPageCount } from './page-count.ts';
export {
  addMetadata,
  type SignatureLevel,
  type SignOptions,
  signPdf,
  signPdfAtLevel,
} from './sign.ts';
export type { TimestampAuthority } from './timestamp.ts';
export { type DocumentValidation, type TrustAnchor, validateDocument } from './validate.ts';
export { type VerifyResult, verifyPdf } from './verify.ts';
