/**
 * PDF signing (PAdES baseline B-B, one incremental update) and verification.
 */
export {
  DEVELOPMENT_SUBJECT,
  type LocalSigner,
  type LocalSignerOptions,
  loadLocalSigner,
} from './local-signer.ts';
export { pdfPageCount } from './page-count.ts';
export { addMetadata, type SignOptions, signPdf } from './sign.ts';
export { type VerifyResult, verifyPdf } from './verify.ts';
