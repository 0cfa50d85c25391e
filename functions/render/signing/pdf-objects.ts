/**
 * PDF objects (ISO 32000 §7.3) and their writing: the values pdf-syntax.ts reads, the text
 * strings and dates of signature dictionaries, and the writer for the objects an incremental
 * update appends. Streams are read, never written.
 */
/** A name, kept as written after the slash (#xx escapes included). */
export class PdfName {
  constructor(readonly name: string) {}
}

/** An indirect reference `num gen R`. */
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}

/** A string's bytes, and where the string sat in the file (for signature checks). */
export class PdfString {
  constructor(
    readonly bytes: Uint8Array,
    readonly hex: boolean,
    /** Offset of `(` or `<` in the parsed buffer, -1 for strings built here. */
    readonly start = -1,
    /** Offset just after `)` or `>`. */
    readonly end = -1,
  ) {}
}

/** A dictionary; insertion order is kept when written. */
export type PdfDict = Map<string, PdfObject>;

/** A stream: its dictionary and its still-encoded data. */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly data: Uint8Array,
  ) {}
}

/** Any PDF object. */
export type PdfObject =
  | null
  | boolean
  | number
  | PdfName
  | PdfString
  | PdfRef
  | PdfObject[]
  | PdfDict
  | PdfStream;

/** The file is not a PDF this module can read. */
export class PdfSyntaxError extends Error {
  override name = 'PdfSyntaxError';
}

/** Bytes as a latin1 string (one char per byte). */
export function latin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** A text string (PDF §7.9.2): ASCII as is, anything else as UTF-16BE with a BOM. */
export function textString(text: string): PdfString {
  if (/^[\x20-\x7e]*$/.test(text)) return new PdfString(Buffer.from(text, 'latin1'), false);
  const utf16 = Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
  return new PdfString(utf16, true);
}

/** Decodes a text string (UTF-16BE with BOM, UTF-8 with BOM, or PDFDocEncoding as latin1). */
export function decodeText(value: PdfString): string {
  const { bytes } = value;
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return Buffer.from(bytes.subarray(3)).toString('utf8');
  }
  return latin1(bytes);
}

/** A PDF date (§7.9.4) in UTC: D:YYYYMMDDHHmmSSZ. */
export function pdfDate(date: Date): string {
  const iso = date.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** Parses a PDF date to ISO 8601, or undefined if it is not one. */
export function parsePdfDate(text: string): string | undefined {
  const match =
    /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(?:(\d{2})'?(\d{2})?'?)?)?$/.exec(
      text,
    );
  if (!match) return undefined;
  const [, year, month = '01', day = '01', hour = '00', minute = '00', second = '00'] = match;
  const sign = match[7] === '-' ? -1 : 1;
  const offsetMinutes =
    match[7] === '+' || match[7] === '-'
      ? sign * (Number(match[8] ?? 0) * 60 + Number(match[9] ?? 0))
      : 0;
  const utc = Date.UTC(+(year as string), +month - 1, +day, +hour, +minute, +second);
  const date = new Date(utc - offsetMinutes * 60_000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw new PdfSyntaxError('cannot write a non-finite number');
  if (Number.isInteger(value)) return String(value);
  // Never exponent notation, which PDF does not have.
  return value.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
}

function writeString(value: PdfString): string {
  if (value.hex) return `<${Buffer.from(value.bytes).toString('hex')}>`;
  let out = '(';
  for (const byte of value.bytes) {
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte <= 0x7e) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out})`;
}

/** Writes an object in PDF syntax (ASCII only). Streams cannot be written. */
export function writeObject(value: PdfObject): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return formatNumber(value);
  if (value instanceof PdfName) return `/${value.name}`;
  if (value instanceof PdfRef) return `${value.num} ${value.gen} R`;
  if (value instanceof PdfString) return writeString(value);
  if (Array.isArray(value)) return `[${value.map(writeObject).join(' ')}]`;
  if (value instanceof PdfStream) throw new PdfSyntaxError('streams are not rewritten');
  const entries = [...value].map(([key, item]) => `/${key} ${writeObject(item)}`);
  return `<<${entries.join('\n')}>>`;
}
