/**
 * PDF object syntax (ISO 32000 §7.3): a reader for the objects an incremental update
 * touches (trailer, catalog, pages, annotations, signature dictionaries); the objects and
 * their writer are in pdf-objects.ts (re-exported here, where the callers look for them).
 */
import {
  latin1,
  type PdfDict,
  PdfName,
  type PdfObject,
  PdfRef,
  PdfString,
  PdfSyntaxError,
} from './pdf-objects.ts';

export {
  decodeText,
  latin1,
  type PdfDict,
  PdfName,
  type PdfObject,
  PdfRef,
  PdfStream,
  PdfString,
  PdfSyntaxError,
  parsePdfDate,
  pdfDate,
  textString,
  writeObject,
} from './pdf-objects.ts';

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
