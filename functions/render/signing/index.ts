/**
 * PDF signing (PAdES baseline B-B/B-T/B-LT, one incremental update), verification and trust.
 */
export {
  DEVELOPMENT_SUBJECT,
  type LocalSigner,
  type LocalSignerOptions,
  DEVELOPMENT_ROOT_FILE,
  type DevelopmentCa,
  loadLocalSigner,
} from './local-signer.ts';
export type { ValidationData } from './incremental-update.ts';
export type { TimestampAuthority } from './timestamp.ts';
export { type DocumentValidation, type TrustAnchor, validateDocument } from './validate.ts';
export { pdfPageCount } from './page-count.ts';
export {
  addMetadata,
  type SignatureLevel,
  type SignOptions,
  signPdf,
  signPdfAtLevel,
} from './sign.ts';
export { type VerifyResult, verifyPdf } from './verify.ts';
