/**
 * Small hand-written PDFs and throwaway signing identities for the signing tests.
 */
import { generateKeyPairSync, type KeyObject, sign, X509Certificate } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { PdfMetadata, Signer } from '../../../functions/render/ports.ts';
import { issueCertificate } from '../../../functions/render/signing/certificates.ts';

/** Metadata as the engine passes it. */
export const metadata: PdfMetadata = {
  title: 'Individualized Education Program',
  author: 'Example Unified School District',
  subject: 'IEP – annual review',
  language: 'en-US',
  keywords: ['IEP', 'special education'],
};

/** A fixed signing time. */
export const signingTime = new Date('2026-11-20T15:30:00Z');

/** Objects of a one-page tagged PDF with a link annotation (what Chromium prints, smaller). */
const objects: Record<number, string> = {
  1: '<</Title (Printed)\n/Creator (Chromium)\n/Producer (Skia/PDF m147)>>',
  2: '<</Type /Catalog\n/Pages 3 0 R\n/MarkInfo <</Type /MarkInfo\n/Marked true>>\n/StructTreeRoot 7 0 R\n/Outlines 9 0 R>>',
  3: '<</Type /Pages\n/Count 1\n/Kids [4 0 R]>>',
  4: '<</Type /Page\n/MediaBox [0 0 612 792]\n/Annots [6 0 R]\n/Contents 5 0 R\n/StructParents 0\n/Tabs /S\n/Parent 3 0 R>>',
  5: '<</Length 44>>\nstream\nBT /F1 12 Tf 72 720 Td (Goals) Tj ET\n0 0 m S\nendstream',
  6: '<</Type /Annot\n/Subtype /Link\n/Rect [72 700 144 716]\n/A <</S /URI\n/URI (https://example.org/)>>\n/StructParent 100000>>',
  7: '<</Type /StructTreeRoot\n/K [8 0 R]>>',
  8: '<</Type /StructElem\n/S /Document\n/P 7 0 R>>',
  9: '<</Type /Outlines\n/Count 0>>',
};

/** A small tagged PDF with a classic xref table, as Chromium writes it. */
export function classicPdf(): Uint8Array {
  let text = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (const [num, body] of Object.entries(objects)) {
    offsets[Number(num)] = text.length;
    text += `${num} 0 obj\n${body}\nendobj\n`;
  }
  const xref = text.length;
  text += `xref\n0 10\n0000000000 65535 f \n`;
  for (let num = 1; num <= 9; num++) text += `${String(offsets[num]).padStart(10, '0')} 00000 n \n`;
  text += `trailer\n<</Size 10\n/Root 2 0 R\n/Info 1 0 R>>\nstartxref\n${xref}\n%%EOF`;
  return Buffer.from(text, 'latin1');
}

/**
 * The same document with a cross-reference stream (PNG Up predictor) and the catalog,
 * page tree and page inside an object stream, as other PDF writers emit.
 */
export function xrefStreamPdf(): Uint8Array {
  const compressed = [2, 3, 4];
  const inStream = compressed.map((num) => `${objects[num]}\n`);
  let header = '';
  let position = 0;
  compressed.forEach((num, i) => {
    header += `${num} ${position} `;
    position += (inStream[i] as string).length;
  });
  const objStmData = deflateSync(Buffer.from(header + inStream.join(''), 'latin1'));
  const chunks: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let length = chunks[0]?.length ?? 0;
  const entries = new Map<number, [number, number, number]>();
  const add = (num: number, dict: string, stream?: Buffer): void => {
    entries.set(num, [1, length, 0]);
    const head = Buffer.from(`${num} 0 obj\n${dict}${stream ? '\nstream\n' : ''}`, 'latin1');
    const tail = Buffer.from(stream ? '\nendstream\nendobj\n' : '\nendobj\n', 'latin1');
    const parts = stream ? [head, stream, tail] : [head, tail];
    chunks.push(...parts);
    length += parts.reduce((sum, part) => sum + part.length, 0);
  };
  for (const num of [1, 5, 6, 7, 8, 9]) add(num, objects[num] as string);
  add(
    10,
    `<</Type /ObjStm\n/N 3\n/First ${header.length}\n/Filter /FlateDecode\n/Length ${objStmData.length}>>`,
    objStmData,
  );
  compressed.forEach((num, i) => {
    entries.set(num, [2, 10, i]);
  });
  const xrefOffset = length;
  entries.set(11, [1, xrefOffset, 0]);
  entries.set(0, [0, 0, 65535]);
  // Rows of W [1 2 2], each preceded by PNG filter type 2 (Up) as /Predictor 12 asks.
  const rows: number[][] = [];
  for (let num = 0; num <= 11; num++) {
    const [type, second, third] = entries.get(num) as [number, number, number];
    rows.push([type, second >> 8, second & 0xff, third >> 8, third & 0xff]);
  }
  const raw: number[] = [];
  rows.forEach((row, r) => {
    raw.push(
      2,
      ...row.map((byte, c) => (byte - (r > 0 ? (rows[r - 1]?.[c] as number) : 0)) & 0xff),
    );
  });
  const xrefData = deflateSync(Uint8Array.from(raw));
  add(
    11,
    `<</Type /XRef\n/Size 12\n/W [1 2 2]\n/Root 2 0 R\n/Info 1 0 R\n/Filter /FlateDecode\n/DecodeParms <</Predictor 12\n/Columns 5>>\n/Length ${xrefData.length}>>`,
    xrefData,
  );
  chunks.push(Buffer.from(`startxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(chunks);
}

/** A throwaway identity: a key and its certificate chain (the signer's first). */
export interface TestIdentity {
  signer: Signer;
  privateKey: KeyObject;
  certificates: Buffer[];
}

const years = (date: Date, count: number): Date => {
  const shifted = new Date(date);
  shifted.setUTCFullYear(shifted.getUTCFullYear() + count);
  return shifted;
};

/** A signer with a self-signed certificate, or one issued by a test CA (`withCa`). */
export function testIdentity(
  options: { withCa?: boolean; commonName?: string } = {},
): TestIdentity {
  const subject = {
    commonName: options.commonName ?? 'Example USD test signer',
    organization: 'Example USD',
  };
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const notBefore = new Date('2026-01-01T00:00:00Z');
  let certificates: Buffer[];
  if (options.withCa) {
    const ca = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const caSubject = { commonName: 'Example USD test CA', organization: 'Example USD' };
    const caCertificate = issueCertificate(
      {
        subject: caSubject,
        publicKey: ca.publicKey,
        notBefore,
        notAfter: years(notBefore, 5),
        profile: 'ca',
      },
      ca.privateKey,
    );
    const leaf = issueCertificate(
      {
        subject,
        publicKey,
        issuerCertificate: caCertificate,
        notBefore,
        notAfter: years(notBefore, 2),
        profile: 'document-signing',
      },
      ca.privateKey,
    );
    certificates = [leaf, caCertificate];
  } else {
    certificates = [
      issueCertificate(
        {
          subject,
          publicKey,
          notBefore,
          notAfter: years(notBefore, 2),
          profile: 'document-signing',
        },
        privateKey,
      ),
    ];
  }
  return {
    privateKey,
    certificates,
    signer: {
      certificates: async () => certificates,
      sign: async (data) => sign('sha256', data, privateKey),
    },
  };
}

/** PEM of DER certificates. */
export function certificatesPem(certificates: readonly Buffer[]): string {
  return certificates.map((der) => new X509Certificate(der).toString()).join('');
}

/**
 * A throwaway root CA: its key and self-signed certificate, valid from a day before `now` for
 * ten years (the district's root, a time-stamping authority's root, in the signing tests).
 */
export function testRoot(
  subject: Parameters<typeof issueCertificate>[0]['subject'],
  now = new Date(),
): { certificate: Buffer; privateKey: KeyObject } {
  const day = 86_400_000;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const certificate = issueCertificate(
    {
      subject,
      publicKey,
      notBefore: new Date(now.getTime() - day),
      notAfter: new Date(now.getTime() + 3650 * day),
      profile: 'ca',
    },
    privateKey,
  );
  return { certificate, privateKey };
}
