/**
 * The render layer's interfaces: how HTML becomes a PDF, and how a PDF is signed.
 * Implementations: `chromium.ts` (PdfPrinter), `signing/` (PAdES), adapters' KMS signer.
 */

/** A page of HTML to print, every asset inlined (fonts, styles and images as data). */
export interface PrintJob {
  /** The whole HTML document; a running header and footer are its `@page` margin boxes. */
  html: string;
}

/** Prints HTML to PDF (tagged, with an outline). One warm browser serves many jobs. */
export interface PdfPrinter {
  print(job: PrintJob): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Document metadata written into the PDF before it is signed. */
export interface PdfMetadata {
  title: string;
  /** The district. */
  author: string;
  subject: string;
  /** BCP 47 tag of the document's language, written as the catalog's /Lang. */
  language: string;
  keywords?: string[];
}

/**
 * A signing identity. `sign` returns the RSA PKCS#1 v1.5 signature of SHA-256(data):
 * a local key signs with node's crypto; KMS signs the digest, so data never leaves.
 */
export interface Signer {
  /** The signer's certificate chain, DER, the signer's own certificate first. */
  certificates(): Promise<Uint8Array[]>;
  sign(data: Uint8Array): Promise<Uint8Array>;
}
