/**
 * Reads a PDF's cross-reference information (classic tables and xref streams, following
 * /Prev and /XRefStm) and resolves objects, including those in object streams.
 * Only what an incremental update and a signature check need: no content parsing.
 */
import { inflateSync } from 'node:zlib';
import {
  latin1,
  type PdfDict,
  PdfName,
  type PdfObject,
  PdfReader,
  PdfRef,
  PdfStream,
  PdfSyntaxError,
} from './pdf-syntax.ts';

/** Where an object lives: at a byte offset, or inside an object stream. */
export type XrefEntry =
  | { kind: 'offset'; offset: number; gen: number }
  | { kind: 'compressed'; stream: number; index: number }
  | { kind: 'free' };

/** A parsed PDF: its newest trailer and the merged cross-reference of all revisions. */
export class PdfDocument {
  private readonly objectStreams = new Map<
    number,
    { offsets: number[]; data: Uint8Array; first: number }
  >();

  private constructor(
    readonly bytes: Uint8Array,
    /** The newest trailer (or xref stream dictionary). */
    readonly trailer: PdfDict,
    /** Offset of the newest cross-reference section (the last startxref). */
    readonly startxref: number,
    readonly xref: Map<number, XrefEntry>,
  ) {}

  /** Parses the cross-reference chain that ends at the file's last `startxref`. */
  static load(bytes: Uint8Array): PdfDocument {
    if (latin1(bytes, 0, Math.min(5, bytes.length)) !== '%PDF-') {
      throw new PdfSyntaxError('not a PDF: no %PDF- header');
    }
    const startxref = lastStartxref(bytes);
    const xref = new Map<number, XrefEntry>();
    const seen = new Set<number>();
    let trailer: PdfDict | undefined;
    let next: number | undefined = startxref;
    while (next !== undefined) {
      if (seen.has(next)) throw new PdfSyntaxError('cross-reference /Prev loop');
      seen.add(next);
      const section = readSection(bytes, next, xref);
      trailer ??= section;
      const hybrid = section.get('XRefStm');
      if (typeof hybrid === 'number' && !seen.has(hybrid)) {
        seen.add(hybrid);
        readSection(bytes, hybrid, xref);
      }
      const prev = section.get('Prev');
      next = typeof prev === 'number' ? prev : undefined;
    }
    if (!trailer) throw new PdfSyntaxError('no trailer');
    return new PdfDocument(bytes, trailer, startxref, xref);
  }

  /** The object `num`, or null when it is free or missing (as PDF defines). */
  object(num: number): PdfObject {
    const entry = this.xref.get(num);
    if (!entry || entry.kind === 'free') return null;
    if (entry.kind === 'offset')
      return readIndirect(this.bytes, entry.offset, num, (ref) => this.resolve(ref)).value;
    return this.compressedObject(entry.stream, entry.index, num);
  }

  /** Follows references until a direct object. */
  resolve(value: PdfObject | undefined): PdfObject {
    let current: PdfObject | undefined = value;
    for (let hops = 0; current instanceof PdfRef; hops++) {
      if (hops > 32) throw new PdfSyntaxError('reference chain too long');
      current = this.object(current.num);
    }
    return current ?? null;
  }

  /** Resolves `value` and requires a dictionary. */
  dict(value: PdfObject | undefined, what: string): PdfDict {
    const resolved = this.resolve(value);
    if (!(resolved instanceof Map)) throw new PdfSyntaxError(`${what} is not a dictionary`);
    return resolved;
  }

  /** The document catalog. */
  catalog(): { ref: PdfRef; dict: PdfDict } {
    const ref = this.trailer.get('Root');
    if (!(ref instanceof PdfRef)) throw new PdfSyntaxError('trailer has no /Root reference');
    return { ref, dict: this.dict(ref, 'catalog') };
  }

  /** The first page: the first leaf of the page tree. */
  firstPage(): { ref: PdfRef; dict: PdfDict } {
    let node = this.catalog().dict.get('Pages');
    for (let depth = 0; depth < 32; depth++) {
      if (!(node instanceof PdfRef)) throw new PdfSyntaxError('page tree node is not a reference');
      const dict = this.dict(node, 'page tree node');
      const type = dict.get('Type');
      if (type instanceof PdfName && type.name === 'Page') return { ref: node, dict };
      const kids = this.resolve(dict.get('Kids'));
      if (!Array.isArray(kids) || kids.length === 0)
        throw new PdfSyntaxError('document has no page');
      node = kids[0];
    }
    throw new PdfSyntaxError('page tree too deep');
  }

  private compressedObject(streamNum: number, index: number, num: number): PdfObject {
    let stream = this.objectStreams.get(streamNum);
    if (!stream) {
      const container = this.object(streamNum);
      if (!(container instanceof PdfStream)) throw new PdfSyntaxError('object stream missing');
      const count = container.dict.get('N');
      const first = container.dict.get('First');
      if (typeof count !== 'number' || typeof first !== 'number') {
        throw new PdfSyntaxError('object stream without /N or /First');
      }
      const data = decodeStream(container);
      const header = new PdfReader(data);
      const offsets: number[] = [];
      for (let i = 0; i < count; i++) {
        header.integer();
        offsets.push(header.integer());
      }
      stream = { offsets, data, first };
      this.objectStreams.set(streamNum, stream);
    }
    const offset = stream.offsets[index];
    if (offset === undefined) throw new PdfSyntaxError(`object ${num} not in its object stream`);
    return new PdfReader(stream.data, stream.first + offset).object();
  }
}

function lastStartxref(bytes: Uint8Array): number {
  const tailStart = Math.max(0, bytes.length - 2048);
  const tail = latin1(bytes, tailStart);
  const at = tail.lastIndexOf('startxref');
  if (at < 0) throw new PdfSyntaxError('no startxref');
  const reader = new PdfReader(bytes, tailStart + at + 'startxref'.length);
  const offset = reader.integer();
  if (offset >= bytes.length) throw new PdfSyntaxError('startxref points past the end');
  return offset;
}

/** Reads `num gen obj … endobj` at `offset`; a stream's /Length may be a reference. */
export function readIndirect(
  bytes: Uint8Array,
  offset: number,
  expectedNum: number | undefined,
  resolve: (ref: PdfRef) => PdfObject,
): { num: number; value: PdfObject } {
  const reader = new PdfReader(bytes, offset);
  const num = reader.integer();
  reader.integer();
  reader.expectKeyword('obj');
  if (expectedNum !== undefined && num !== expectedNum) {
    throw new PdfSyntaxError(`xref points to object ${num}, expected ${expectedNum}`);
  }
  const value = reader.object();
  const afterValue = reader.pos;
  if (value instanceof Map && reader.token() === 'stream') {
    // The keyword is followed by CRLF or LF (§7.3.8.1).
    if (bytes[reader.pos] === 0x0d) reader.pos++;
    if (bytes[reader.pos] === 0x0a) reader.pos++;
    const length = value.get('Length');
    const resolved = length instanceof PdfRef ? resolve(length) : length;
    if (typeof resolved !== 'number' || reader.pos + resolved > bytes.length) {
      throw new PdfSyntaxError(`object ${num}: bad stream /Length`);
    }
    return { num, value: new PdfStream(value, bytes.subarray(reader.pos, reader.pos + resolved)) };
  }
  reader.pos = afterValue;
  reader.expectKeyword('endobj');
  return { num, value };
}

/** Reads one cross-reference section; earlier entries in `xref` (newer revisions) win. */
function readSection(bytes: Uint8Array, offset: number, xref: Map<number, XrefEntry>): PdfDict {
  const reader = new PdfReader(bytes, offset);
  const save = reader.pos;
  if (reader.token() === 'xref') return readTable(reader, xref);
  reader.pos = save;
  const { value } = readIndirect(bytes, offset, undefined, () => {
    throw new PdfSyntaxError('xref stream /Length must be direct');
  });
  if (!(value instanceof PdfStream))
    throw new PdfSyntaxError('startxref does not point to a cross-reference');
  const type = value.dict.get('Type');
  if (!(type instanceof PdfName) || type.name !== 'XRef') {
    throw new PdfSyntaxError('startxref does not point to a cross-reference');
  }
  readXrefStream(value, xref);
  return value.dict;
}

/** A cross-reference table entry's type: `n` (in use) or `f` (free). */
const IN_USE = 0x6e;
const FREE = 0x66;

function readTable(reader: PdfReader, xref: Map<number, XrefEntry>): PdfDict {
  while (true) {
    const save = reader.pos;
    const word = reader.token();
    if (word === 'trailer') break;
    reader.pos = save;
    const first = reader.integer();
    const count = reader.integer();
    for (let i = 0; i < count; i++) {
      const offset = reader.integer();
      const gen = reader.integer();
      const kind = reader.letter();
      if (kind !== IN_USE && kind !== FREE) throw new PdfSyntaxError('bad cross-reference entry');
      if (!xref.has(first + i)) {
        xref.set(first + i, kind === IN_USE ? { kind: 'offset', offset, gen } : { kind: 'free' });
      }
    }
  }
  const trailer = reader.object();
  if (!(trailer instanceof Map)) throw new PdfSyntaxError('trailer is not a dictionary');
  return trailer;
}

function readXrefStream(stream: PdfStream, xref: Map<number, XrefEntry>): void {
  const widths = stream.dict.get('W');
  const size = stream.dict.get('Size');
  if (!Array.isArray(widths) || widths.length !== 3 || typeof size !== 'number') {
    throw new PdfSyntaxError('xref stream without /W or /Size');
  }
  const [w0, w1, w2] = widths.map((w) => (typeof w === 'number' ? w : -1)) as [
    number,
    number,
    number,
  ];
  if (Math.min(w0, w1, w2) < 0) throw new PdfSyntaxError('bad xref stream /W');
  const index = stream.dict.get('Index') ?? [0, size];
  if (!Array.isArray(index)) throw new PdfSyntaxError('bad xref stream /Index');
  const data = decodeStream(stream);
  const rowLength = w0 + w1 + w2;
  const field = (at: number, width: number): number => {
    let value = 0;
    for (let i = 0; i < width; i++) value = value * 256 + (data[at + i] as number);
    return value;
  };
  let row = 0;
  for (let i = 0; i + 1 < index.length; i += 2) {
    const first = index[i];
    const count = index[i + 1];
    if (typeof first !== 'number' || typeof count !== 'number')
      throw new PdfSyntaxError('bad /Index');
    for (let k = 0; k < count; k++, row++) {
      const at = row * rowLength;
      if (at + rowLength > data.length) throw new PdfSyntaxError('xref stream too short');
      const type = w0 === 0 ? 1 : field(at, w0);
      const second = field(at + w0, w1);
      const third = field(at + w0 + w1, w2);
      if (xref.has(first + k)) continue;
      if (type === 1) xref.set(first + k, { kind: 'offset', offset: second, gen: third });
      else if (type === 2)
        xref.set(first + k, { kind: 'compressed', stream: second, index: third });
      else xref.set(first + k, { kind: 'free' });
    }
  }
}

/** Decodes a stream's data: FlateDecode (with PNG predictors) or no filter. */
export function decodeStream(stream: PdfStream): Uint8Array {
  const filter = stream.dict.get('Filter');
  const filters = filter === undefined ? [] : Array.isArray(filter) ? filter : [filter];
  if (filters.length === 0) return stream.data;
  const only = filters[0];
  if (filters.length > 1 || !(only instanceof PdfName) || only.name !== 'FlateDecode') {
    throw new PdfSyntaxError('unsupported stream filter');
  }
  const inflated = inflateSync(stream.data);
  const parms = stream.dict.get('DecodeParms');
  const predictor = parms instanceof Map ? parms.get('Predictor') : undefined;
  if (typeof predictor !== 'number' || predictor < 10) return inflated;
  const columns = parms instanceof Map ? parms.get('Columns') : undefined;
  return unpredictPng(inflated, typeof columns === 'number' ? columns : 1);
}

/** Undoes PNG row predictors (one byte per sample, as xref streams use). */
function unpredictPng(data: Uint8Array, columns: number): Uint8Array {
  const rows = Math.floor(data.length / (columns + 1));
  const out = new Uint8Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (columns + 1)];
    for (let c = 0; c < columns; c++) {
      const raw = data[r * (columns + 1) + 1 + c] as number;
      const left = c > 0 ? (out[r * columns + c - 1] as number) : 0;
      const up = r > 0 ? (out[(r - 1) * columns + c] as number) : 0;
      const upLeft = r > 0 && c > 0 ? (out[(r - 1) * columns + c - 1] as number) : 0;
      let predicted = 0;
      if (type === 1) predicted = left;
      else if (type === 2) predicted = up;
      else if (type === 3) predicted = Math.floor((left + up) / 2);
      else if (type === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else if (type !== 0) throw new PdfSyntaxError('bad PNG predictor');
      out[r * columns + c] = (raw + predicted) & 0xff;
    }
  }
  return out;
}
