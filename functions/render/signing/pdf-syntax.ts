/**
 * PDF object syntax (ISO 32000 §7.3): a reader for the objects an incremental update
 * touches (trailer, catalog, pages, annotations, signature dictionaries) and a writer
 * for the objects it appends. Streams are read (xref and object streams), never written.
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

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const isRegular = (byte: number | undefined): boolean =>
  byte !== undefined && !WHITESPACE.has(byte) && !DELIMITERS.has(byte);
const isDigit = (byte: number | undefined): boolean =>
  byte !== undefined && byte >= 0x30 && byte <= 0x39;

/** Reads objects from `bytes` starting at `pos`. */
export class PdfReader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  /** Skips whitespace and comments. */
  skipSpace(): void {
    const { bytes } = this;
    while (this.pos < bytes.length) {
      const byte = bytes[this.pos] as number;
      if (WHITESPACE.has(byte)) this.pos++;
      else if (byte === 0x25) {
        while (this.pos < bytes.length && bytes[this.pos] !== 0x0a && bytes[this.pos] !== 0x0d) {
          this.pos++;
        }
      } else break;
    }
  }

  /** Reads a bare keyword or number token (regular characters). */
  token(): string {
    this.skipSpace();
    const start = this.pos;
    while (isRegular(this.bytes[this.pos])) this.pos++;
    return latin1(this.bytes, start, this.pos);
  }

  /** Reads a keyword and fails unless it is `expected`. */
  expectKeyword(expected: string): void {
    const found = this.token();
    if (found !== expected) {
      throw new PdfSyntaxError(`expected "${expected}" at ${this.pos}, found "${found}"`);
    }
  }

  /** Reads a non-negative integer token (digits read in place: cross-reference tables hold thousands). */
  integer(): number {
    this.skipSpace();
    const start = this.pos;
    let value = 0;
    for (let byte = this.bytes[this.pos]; byte !== undefined && byte >= 0x30 && byte <= 0x39; ) {
      value = value * 10 + (byte - 0x30);
      byte = this.bytes[++this.pos];
    }
    if (this.pos === start || isRegular(this.bytes[this.pos])) {
      throw new PdfSyntaxError(`expected an integer at ${start}`);
    }
    return value;
  }

  /** Reads a one-letter keyword (a cross-reference entry's `n` or `f`) without making a string. */
  letter(): number | undefined {
    this.skipSpace();
    const byte = this.bytes[this.pos];
    if (byte === undefined || !isRegular(byte) || isRegular(this.bytes[this.pos + 1])) {
      return undefined;
    }
    this.pos++;
    return byte;
  }

  /** Reads the next object (a reference `n g R` included). */
  object(depth = 0): PdfObject {
    if (depth > 64) throw new PdfSyntaxError('objects nested too deeply');
    this.skipSpace();
    const { bytes } = this;
    const byte = bytes[this.pos];
    if (byte === undefined) throw new PdfSyntaxError('unexpected end of file');
    if (byte === 0x2f) return this.name();
    if (byte === 0x28) return this.literalString();
    if (byte === 0x3c) return bytes[this.pos + 1] === 0x3c ? this.dict(depth) : this.hexString();
    if (byte === 0x5b) return this.array(depth);
    if (isDigit(byte) || byte === 0x2b || byte === 0x2d || byte === 0x2e) return this.number();
    const keyword = this.token();
    if (keyword === 'true') return true;
    if (keyword === 'false') return false;
    if (keyword === 'null') return null;
    throw new PdfSyntaxError(`unexpected "${keyword || String.fromCharCode(byte)}" at ${this.pos}`);
  }

  private name(): PdfName {
    this.pos++;
    const start = this.pos;
    while (isRegular(this.bytes[this.pos])) this.pos++;
    return new PdfName(latin1(this.bytes, start, this.pos));
  }

  private number(): number | PdfRef {
    const start = this.pos;
    const text = this.token();
    const value = Number(text);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) throw new PdfSyntaxError(`bad number at ${start}`);
    if (!/^\d+$/.test(text)) return value;
    // `num gen R`?
    const after = this.pos;
    this.skipSpace();
    if (isDigit(this.bytes[this.pos])) {
      const gen = this.token();
      this.skipSpace();
      if (
        /^\d+$/.test(gen) &&
        this.bytes[this.pos] === 0x52 &&
        !isRegular(this.bytes[this.pos + 1])
      ) {
        this.pos++;
        return new PdfRef(value, Number(gen));
      }
    }
    this.pos = after;
    return value;
  }

  private literalString(): PdfString {
    const { bytes } = this;
    const start = this.pos++;
    const out: number[] = [];
    let depth = 1;
    while (true) {
      const byte = bytes[this.pos++];
      if (byte === undefined) throw new PdfSyntaxError('unterminated string');
      if (byte === 0x28) depth++;
      else if (byte === 0x29 && --depth === 0) break;
      if (byte === 0x5c) {
        const next = bytes[this.pos++];
        if (next === undefined) throw new PdfSyntaxError('unterminated string');
        const simple = ESCAPES[next];
        if (simple !== undefined) out.push(simple);
        else if (next >= 0x30 && next <= 0x37) {
          let value = next - 0x30;
          for (
            let i = 0;
            i < 2 && (bytes[this.pos] ?? 0) >= 0x30 && (bytes[this.pos] ?? 0) <= 0x37;
            i++
          ) {
            value = value * 8 + ((bytes[this.pos++] as number) - 0x30);
          }
          out.push(value & 0xff);
        } else if (next === 0x0d) {
          if (bytes[this.pos] === 0x0a) this.pos++;
        } else if (next !== 0x0a) out.push(next);
      } else if (byte === 0x0d) {
        // An unescaped end of line reads as a single line feed.
        if (bytes[this.pos] === 0x0a) this.pos++;
        out.push(0x0a);
      } else out.push(byte);
    }
    return new PdfString(Uint8Array.from(out), false, start, this.pos);
  }

  private hexString(): PdfString {
    const { bytes } = this;
    const start = this.pos++;
    const digits: number[] = [];
    while (true) {
      const byte = bytes[this.pos++];
      if (byte === undefined) throw new PdfSyntaxError('unterminated hex string');
      if (byte === 0x3e) break;
      if (WHITESPACE.has(byte)) continue;
      const value = hexValue(byte);
      if (value < 0) throw new PdfSyntaxError(`bad hex digit at ${this.pos - 1}`);
      digits.push(value);
    }
    if (digits.length % 2) digits.push(0);
    const out = new Uint8Array(digits.length / 2);
    for (let i = 0; i < out.length; i++) {
      out[i] = ((digits[2 * i] as number) << 4) | (digits[2 * i + 1] as number);
    }
    return new PdfString(out, true, start, this.pos);
  }

  private array(depth: number): PdfObject[] {
    this.pos++;
    const items: PdfObject[] = [];
    while (true) {
      this.skipSpace();
      if (this.bytes[this.pos] === 0x5d) {
        this.pos++;
        return items;
      }
      items.push(this.object(depth + 1));
    }
  }

  private dict(depth: number): PdfDict {
    this.pos += 2;
    const entries: PdfDict = new Map();
    while (true) {
      this.skipSpace();
      if (this.bytes[this.pos] === 0x3e && this.bytes[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return entries;
      }
      const key = this.object(depth + 1);
      if (!(key instanceof PdfName))
        throw new PdfSyntaxError(`dictionary key expected at ${this.pos}`);
      entries.set(key.name, this.object(depth + 1));
    }
  }
}

const ESCAPES: Record<number, number> = {
  110: 0x0a,
  114: 0x0d,
  116: 0x09,
  98: 0x08,
  102: 0x0c,
  40: 0x28,
  41: 0x29,
  92: 0x5c,
};

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
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
