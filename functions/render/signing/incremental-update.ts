/**
 * Writes one incremental update (ISO 32000 §7.5.6) after the printed PDF: new versions
 * of the document Info, the catalog (/Lang, /ViewerPreferences, /AcroForm) and, when
 * signing, page 1 (its /Annots), plus the signature field, widget and dictionary.
 * The original bytes are never changed, so Chromium's structure tree stays as printed.
 */
import { createHash } from 'node:crypto';
import type { PdfMetadata } from '../ports.ts';
import { PdfDocument } from './pdf-document.ts';
import {
  type PdfDict,
  PdfName,
  type PdfObject,
  PdfRef,
  PdfString,
  PdfSyntaxError,
  pdfDate,
  textString,
  writeObject,
} from './pdf-syntax.ts';

/** The signature dictionary's visible fields, and room reserved for the CMS. */
export interface SignatureFields {
  reason: string;
  location: string;
  signerName?: string;
  signingTime: Date;
  /** Bytes reserved for the DER CMS inside /Contents (written as twice as many hex digits). */
  contentsSize: number;
}

/** What a PAdES B-LT validator needs offline (ETSI EN 319 142-1 §5.4): the DSS's content. */
export interface ValidationData {
  /** Certificates of the signer's and the time-stamping authority's chains, DER. */
  certificates: readonly Uint8Array[];
  /** CRLs covering them, DER. */
  crls: readonly Uint8Array[];
}

/** An update's bytes and, when signing, where /ByteRange and /Contents sit in them. */
export interface WrittenUpdate {
  /** The original PDF followed by the update. */
  file: Buffer;
  /** Offsets in `file` of the /ByteRange array's reserved text and of the /Contents string. */
  signature?: {
    byteRangeStart: number;
    byteRangeLength: number;
    contentsStart: number;
    contentsEnd: number;
  };
}

/** Width reserved for the /ByteRange array; the numbers are written into it afterwards. */
const BYTE_RANGE_WIDTH = 48;

const name = (value: string): PdfName => new PdfName(value);

/** Builds the update for `pdf` (signed when `signature` is given). */
export function writeUpdate(
  pdf: Uint8Array,
  metadata: PdfMetadata,
  signature?: SignatureFields,
  dss?: ValidationData,
): WrittenUpdate {
  const doc = PdfDocument.load(pdf);
  if (doc.trailer.has('Encrypt')) throw new PdfSyntaxError('encrypted PDFs are not supported');
  const size = doc.trailer.get('Size');
  if (typeof size !== 'number') throw new PdfSyntaxError('trailer has no /Size');
  let nextNum = size;
  const allocate = (): PdfRef => new PdfRef(nextNum++, 0);
  const objects: { ref: PdfRef; body: string }[] = [];
  const put = (ref: PdfRef, value: PdfObject): void => {
    objects.push({ ref, body: writeObject(value) });
  };

  const infoRef = doc.trailer.get('Info');
  const newInfoRef = infoRef instanceof PdfRef ? infoRef : allocate();
  put(newInfoRef, documentInfo(doc, infoRef, metadata, signature));

  const { ref: catalogRef, dict: oldCatalog } = doc.catalog();
  const catalog = new Map(oldCatalog);
  catalog.set('Lang', textString(metadata.language));
  const preferences = new Map(
    catalog.has('ViewerPreferences')
      ? doc.dict(catalog.get('ViewerPreferences'), 'viewer preferences')
      : [],
  );
  preferences.set('DisplayDocTitle', true);
  catalog.set('ViewerPreferences', preferences);

  let sigText = '';
  let sigRef: PdfRef | undefined;
  if (signature) {
    sigRef = allocate();
    addSignatureField(doc, catalog, sigRef, allocate(), put);
    sigText = signatureDictionary(signature);
  }
  if (dss) addDss(catalog, dss, allocate, objects);
  put(catalogRef, catalog);

  return assemble(
    pdf,
    doc,
    { objects, sigRef, sigText, size: nextNum, catalogRef, infoRef: newInfoRef },
    signature,
  );
}

/** The document information dictionary with `metadata` written in (ISO 32000-2 §14.3.3). */
function documentInfo(
  doc: PdfDocument,
  infoRef: PdfObject | undefined,
  metadata: PdfMetadata,
  signature: SignatureFields | undefined,
): PdfDict {
  const info = new Map(infoRef === undefined ? [] : doc.dict(infoRef, 'document information'));
  info.set('Title', textString(metadata.title));
  info.set('Author', textString(metadata.author));
  info.set('Subject', textString(metadata.subject));
  if (metadata.keywords?.length) info.set('Keywords', textString(metadata.keywords.join(', ')));
  else info.delete('Keywords');
  info.set('Producer', textString('iep-docs'));
  if (signature) info.set('ModDate', textString(pdfDate(signature.signingTime)));
  return info;
}

/**
 * Puts the signature field `fieldRef` (its value `sigRef`) on page 1 and in the catalog's
 * (new) /AcroForm; writes the new page or annotation array through `put`.
 */
function addSignatureField(
  doc: PdfDocument,
  catalog: PdfDict,
  sigRef: PdfRef,
  fieldRef: PdfRef,
  put: (ref: PdfRef, value: PdfObject) => void,
): void {
  const page = doc.firstPage();
  const annots = page.dict.get('Annots');
  if (annots instanceof PdfRef) {
    // The page shares an annotation array object: write its new version.
    put(annots, [...annotationArray(doc.resolve(annots)), fieldRef]);
  } else {
    const newPage = new Map(page.dict);
    newPage.set('Annots', [...annotationArray(annots ?? []), fieldRef]);
    // PDF/UA (ISO 14289-1 7.18.3): a page with annotations uses structure tab order.
    newPage.set('Tabs', name('S'));
    put(page.ref, newPage);
  }
  // The signature field and its invisible widget, merged (§12.7.4.5, §12.5.6.19).
  const field: PdfDict = new Map<string, PdfObject>([
    ['Type', name('Annot')],
    ['Subtype', name('Widget')],
    ['FT', name('Sig')],
    ['T', textString('Signature1')],
    ['TU', textString('Digital signature of the issuing district')],
    ['V', sigRef],
    ['F', 132], // Print | Locked
    ['Rect', [0, 0, 0, 0]],
    ['P', page.ref],
  ]);
  put(fieldRef, field);
  const acroForm = new Map(
    catalog.has('AcroForm') ? doc.dict(catalog.get('AcroForm'), 'AcroForm') : [],
  );
  const fields = acroForm.has('Fields') ? doc.resolve(acroForm.get('Fields')) : [];
  acroForm.set('Fields', [...annotationArray(fields), fieldRef]);
  acroForm.set('SigFlags', 3); // SignaturesExist | AppendOnly
  catalog.set('AcroForm', acroForm);
}

/**
 * The Document Security Store (ISO 32000-2 §12.8.4.3): the chain and CRLs as unfiltered
 * streams, written in the signed update so the signature covers them too.
 */
function addDss(
  catalog: PdfDict,
  dss: ValidationData,
  allocate: () => PdfRef,
  objects: { ref: PdfRef; body: string }[],
): void {
  const streams = (items: readonly Uint8Array[]): PdfRef[] =>
    items.map((bytes) => {
      const ref = allocate();
      // Binary bytes as latin1 characters: the update is written back as latin1.
      const data = Buffer.from(bytes).toString('latin1');
      objects.push({ ref, body: `<</Length ${bytes.length}>>\nstream\n${data}\nendstream` });
      return ref;
    });
  catalog.set(
    'DSS',
    new Map<string, PdfObject>([
      ['Certs', streams(dss.certificates)],
      ['CRLs', streams(dss.crls)],
    ]),
  );
  // ETSI EN 319 142-1 §5.4.1: declare the extension for ISO 32000-1 readers.
  catalog.set(
    'Extensions',
    new Map<string, PdfObject>([
      [
        'ESIC',
        new Map<string, PdfObject>([
          ['BaseVersion', name('1.7')],
          ['ExtensionLevel', 5],
        ]),
      ],
    ]),
  );
}

function annotationArray(value: PdfObject): PdfObject[] {
  if (!Array.isArray(value)) throw new PdfSyntaxError('/Annots or /Fields is not an array');
  return value;
}

function signatureDictionary(signature: SignatureFields): string {
  const entries: [string, PdfObject][] = [
    ['Type', name('Sig')],
    ['Filter', name('Adobe.PPKLite')],
    ['SubFilter', name('ETSI.CAdES.detached')],
    ['M', textString(pdfDate(signature.signingTime))],
    ['Reason', textString(signature.reason)],
    ['Location', textString(signature.location)],
  ];
  if (signature.signerName) entries.push(['Name', textString(signature.signerName)]);
  const fixed = entries.map(([key, value]) => `/${key} ${writeObject(value)}`).join('\n');
  return `<<${fixed}\n/ByteRange ${' '.repeat(BYTE_RANGE_WIDTH)}\n/Contents <${'0'.repeat(2 * signature.contentsSize)}>>>`;
}

interface Plan {
  objects: { ref: PdfRef; body: string }[];
  sigRef: PdfRef | undefined;
  sigText: string;
  size: number;
  catalogRef: PdfRef;
  infoRef: PdfRef;
}

function assemble(
  pdf: Uint8Array,
  doc: PdfDocument,
  plan: Plan,
  signature?: SignatureFields,
): WrittenUpdate {
  const last = pdf[pdf.length - 1];
  let text = last === 0x0a || last === 0x0d ? '' : '\n';
  const offsets = new Map<number, { offset: number; gen: number }>();
  const add = (ref: PdfRef, body: string): number => {
    offsets.set(ref.num, { offset: pdf.length + text.length, gen: ref.gen });
    const bodyStart = pdf.length + text.length + `${ref.num} ${ref.gen} obj\n`.length;
    text += `${ref.num} ${ref.gen} obj\n${body}\nendobj\n`;
    return bodyStart;
  };
  let sigBodyStart = -1;
  if (plan.sigRef) sigBodyStart = add(plan.sigRef, plan.sigText);
  for (const { ref, body } of plan.objects) add(ref, body);

  const xrefOffset = pdf.length + text.length;
  text += `xref\n${xrefSubsections(offsets)}`;
  const trailer = new Map<string, PdfObject>([
    ['Size', plan.size],
    ['Root', plan.catalogRef],
    ['Info', plan.infoRef],
    ['Prev', doc.startxref],
    ['ID', fileId(pdf, doc.trailer.get('ID'), signature?.signingTime)],
  ]);
  text += `trailer\n${writeObject(trailer)}\nstartxref\n${xrefOffset}\n%%EOF\n`;

  const file = Buffer.allocUnsafe(pdf.length + text.length);
  file.set(pdf, 0);
  file.write(text, pdf.length, 'latin1');
  if (sigBodyStart < 0) return { file };
  const byteRangeStart = sigBodyStart + plan.sigText.indexOf('/ByteRange ') + '/ByteRange '.length;
  const contentsStart = sigBodyStart + plan.sigText.indexOf('/Contents <') + '/Contents '.length;
  return {
    file,
    signature: {
      byteRangeStart,
      byteRangeLength: BYTE_RANGE_WIDTH,
      contentsStart,
      contentsEnd: contentsStart + 2 + 2 * (signature?.contentsSize ?? 0),
    },
  };
}

/** Classic xref subsections, one per run of consecutive object numbers (20-byte entries). */
function xrefSubsections(offsets: Map<number, { offset: number; gen: number }>): string {
  const nums = [...offsets.keys()].sort((a, b) => a - b);
  let out = '';
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === (nums[j] as number) + 1) j++;
    out += `${nums[i]} ${j - i + 1}\n`;
    for (let k = i; k <= j; k++) {
      const entry = offsets.get(nums[k] as number) as { offset: number; gen: number };
      out += `${String(entry.offset).padStart(10, '0')} ${String(entry.gen).padStart(5, '0')} n \n`;
    }
    i = j + 1;
  }
  return out;
}

/** Keeps the first file identifier (or makes one) and derives a new second one (§14.4). */
function fileId(
  pdf: Uint8Array,
  existing: PdfObject | undefined,
  time: Date | undefined,
): PdfString[] {
  const original = createHash('sha256').update(pdf).digest().subarray(0, 16);
  const first =
    Array.isArray(existing) && existing[0] instanceof PdfString
      ? existing[0]
      : new PdfString(original, true);
  const changed = createHash('sha256')
    .update(original)
    .update(time ? pdfDate(time) : 'metadata')
    .digest()
    .subarray(0, 16);
  return [new PdfString(first.bytes, true), new PdfString(changed, true)];
}
