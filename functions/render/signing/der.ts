/**
 * A small, strict DER encoder and reader: just what CMS SignedData and certificate
 * identification need. Strict on purpose: the verifier relies on any changed byte
 * breaking either the structure or a digest.
 */

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

function lengthBytes(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** Encodes one TLV with a single-byte tag. */
export function tlv(tag: number, ...content: readonly Uint8Array[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Uint8Array.of(tag), lengthBytes(body.length), body]);
}

/** DER tags used here. */
export const Tag = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
  set: 0x31,
  /** [0] constructed (EXPLICIT, or IMPLICIT of a constructed type). */
  context0: 0xa0,
  context1: 0xa1,
  /** [4] constructed: GeneralName directoryName. */
  context4: 0xa4,
} as const;

export const sequence = (...content: Uint8Array[]): Buffer => tlv(Tag.sequence, ...content);

/** A DER SET OF: elements sorted by their encodings, as DER requires. */
export function setOf(...elements: Uint8Array[]): Buffer {
  const sorted = [...elements].sort((a, b) => Buffer.compare(a, b));
  return tlv(Tag.set, ...sorted);
}

export const octetString = (bytes: Uint8Array): Buffer => tlv(Tag.octetString, bytes);
export const derNull = (): Buffer => tlv(Tag.null);

/** A small non-negative INTEGER. */
export function smallInteger(value: number): Buffer {
  if (value < 0 || value > 127) throw new RangeError('smallInteger: 0..127 only');
  return tlv(Tag.integer, Uint8Array.of(value));
}

/** Encodes a dotted object identifier. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((arc) => Number(arc));
  const [first = 0, second = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128))
      chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(Tag.oid, Uint8Array.from(out));
}

/** A decoded TLV: where it sits in `source`, its tag and its content. */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset just after the content. */
  end: number;
  /** The content octets. */
  content: Buffer;
  /** The whole encoding (tag, length and content). */
  encoded: Buffer;
}

/** A malformed or unexpected DER structure. */
export class DerError extends Error {
  override name = 'DerError';
}

/** Reads one TLV at `offset`; rejects high tags, indefinite and non-minimal lengths. */
export function readTlv(source: Buffer, offset: number, limit = source.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated DER');
  const tag = source[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not used here');
  const first = source[offset + 1] as number;
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerError('unsupported DER length');
    if (offset + 2 + count > limit) throw new DerError('truncated DER');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (source[offset + 2 + i] as number);
    if (source[offset + 2] === 0 || length < 0x80) throw new DerError('non-minimal DER length');
    header += count;
  }
  const end = offset + header + length;
  if (end > limit) throw new DerError('truncated DER');
  return {
    tag,
    start: offset,
    end,
    content: source.subarray(offset + header, end),
    encoded: source.subarray(offset, end),
  };
}

/** Reads one TLV that must have tag `tag`. */
export function expectTlv(source: Buffer, offset: number, tag: number, what: string): Tlv {
  const read = readTlv(source, offset);
  if (read.tag !== tag) throw new DerError(`${what}: unexpected DER tag 0x${tag.toString(16)}`);
  return read;
}

/** Splits a constructed value's content into its elements; they must fill it exactly. */
export function children(parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < parent.content.length) {
    const child = readTlv(parent.content, offset);
    out.push(child);
    offset = child.end;
  }
  return out;
}

/** The elements of `parent`, checking their tags (`undefined` accepts any tag). */
export function childrenWithTags(
  parent: Tlv,
  tags: readonly (number | undefined)[],
  what: string,
): Tlv[] {
  const list = children(parent);
  if (list.length !== tags.length) throw new DerError(`${what}: expected ${tags.length} elements`);
  list.forEach((child, i) => {
    const tag = tags[i];
    if (tag !== undefined && child.tag !== tag) throw new DerError(`${what}: unexpected element`);
  });
  return list;
}

/** The elements of `parent`, each of which must have tag `tag`. */
export function childrenOfTag(parent: Tlv, tag: number, what: string): Tlv[] {
  const list = children(parent);
  if (list.some((child) => child.tag !== tag)) throw new DerError(`${what}: unexpected element`);
  return list;
}

/** Whether two encodings are byte-for-byte equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}
