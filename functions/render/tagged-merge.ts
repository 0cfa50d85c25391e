/**
 * Joins tagged PDFs into one tagged PDF: the pages, each part's structure tree (as a /Part of
 * one /Document, with its language), the parent tree renumbered, element ids kept unique, and
 * an outline with one entry per part holding that part's own outline. What a part carried as
 * a signature (its field widgets) is left out: a signature covers its own file's bytes only,
 * so the joined file is signed afresh (see `signPdf`).
 *
 * pdf-lib's `copyPages` copies the pages alone: their marked content then points into a
 * structure tree that is gone (untagged), and their signature widgets keep /V dictionaries
 * whose /ByteRange describes another file (an illegal, unverifiable signature).
 */
import {
  PDFArray,
  type PDFContext,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFObjectCopier,
  PDFPageLeaf,
  PDFRef,
  PDFString,
} from 'pdf-lib';

/** One PDF to join, with the title its outline entry shows. */
export interface MergePart {
  pdf: Uint8Array;
  title: string;
  /** Pad the part with a blank page to an even page count (each part starts on a front side). */
  padToEven?: boolean;
}

/** Letter size in PDF points, for the blank padding pages. */
const LETTER: [number, number] = [612, 792];

const N = (name: string) => PDFName.of(name);

/**
 * The joined PDF (unsigned, no metadata beyond what the caller sets) and its page count.
 * Long because: one loop over the parts, whose three steps share the part's copier (so
 * references to its pages map to their copies) and the running parent-tree key and page index.
 */
export async function mergeTaggedPdfs(
  parts: readonly MergePart[],
): Promise<{ pdf: Uint8Array; pages: number }> {
  const out = await PDFDocument.create({ updateMetadata: false });
  const ctx = out.context;
  const structRoot = ctx.obj({ Type: 'StructTreeRoot' });
  const structRootRef = ctx.register(structRoot);
  const documentElem = ctx.obj({ Type: 'StructElem', S: 'Document', P: structRootRef });
  const documentRef = ctx.register(documentElem);
  const documentKids = ctx.obj([]);
  documentElem.set(N('K'), documentKids);
  const outlines = ctx.obj({ Type: 'Outlines' });
  const outlinesRef = ctx.register(outlines);
  const nums: [number, PDFRef | PDFArray | PDFDict][] = [];
  const ids: [string, PDFRef][] = [];
  const outlineItems: PDFRef[] = [];
  let nextKey = 0;
  let pages = 0;

  for (const [index, part] of parts.entries()) {
    const src = await PDFDocument.load(part.pdf, { updateMetadata: false });
    const copier = PDFObjectCopier.for(src.context, ctx);
    const offset = nextKey;
    // 1. Pages first, so that every later reference to a page maps to its copy.
    const pageRefs = src.getPages().map((page) => page.ref);
    const copiedPages: PDFRef[] = [];
    for (const pageRef of pageRefs) {
      withoutSignatureWidgets(src.context, pageRef);
      const copied = copier.copy(pageRef) as PDFRef;
      renumberStructParents(ctx, copied, offset);
      appendPage(out, copied, pages);
      copiedPages.push(copied);
      pages += 1;
    }
    if (part.padToEven && pageRefs.length % 2 === 1) {
      appendBlankPage(out, pages);
      pages += 1;
    }
    // 2. The structure tree, below a /Part of the packet's /Document.
    const srcRoot = src.catalog.lookupMaybe(N('StructTreeRoot'), PDFDict);
    if (srcRoot) {
      const partRef = copyStructure(src, srcRoot, copier, ctx);
      ctx.lookup(partRef, PDFDict).set(N('P'), documentRef);
      documentKids.push(partRef);
      const keyCount = copyParentTree(src, srcRoot, copier, offset, nums);
      nextKey = offset + keyCount;
      collectIds(ctx, partRef, `p${index + 1}-`, ids);
    }
    // 3. The outline: one entry per part, holding the part's own outline.
    const first = copiedPages[0];
    if (first) outlineItems.push(outlineItem(src, copier, ctx, part.title, first, outlinesRef));
  }

  structRoot.set(N('K'), documentRef);
  nums.sort((a, b) => a[0] - b[0]);
  structRoot.set(N('ParentTree'), ctx.obj({ Nums: nums.flat() }));
  structRoot.set(N('ParentTreeNextKey'), PDFNumber.of(nextKey));
  if (ids.length > 0) {
    ids.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    structRoot.set(
      N('IDTree'),
      ctx.obj({ Names: ids.flatMap(([id, ref]) => [PDFString.of(id), ref]) }),
    );
  }
  linkSiblings(ctx, outlineItems, outlines);
  out.catalog.set(N('StructTreeRoot'), structRootRef);
  out.catalog.set(N('MarkInfo'), ctx.obj({ Type: 'MarkInfo', Marked: true }));
  out.catalog.set(N('Outlines'), outlinesRef);
  out.catalog.set(N('PageMode'), N('UseOutlines'));
  const pdf = await out.save({ useObjectStreams: false, updateFieldAppearances: false });
  return { pdf, pages };
}

/** Drops signature field widgets from a page of a part: their signatures cover another file. */
function withoutSignatureWidgets(src: PDFContext, pageRef: PDFRef): void {
  const page = src.lookup(pageRef, PDFDict);
  const annots = page.lookupMaybe(N('Annots'), PDFArray);
  if (!annots) return;
  const kept = annots.asArray().filter((entry) => {
    const annot = src.lookup(entry);
    return !(annot instanceof PDFDict && annot.get(N('FT')) === N('Sig'));
  });
  if (kept.length === 0) page.delete(N('Annots'));
  else page.set(N('Annots'), src.obj(kept));
}

/** Shifts a copied page's /StructParents and its annotations' /StructParent by `offset`. */
function renumberStructParents(ctx: PDFContext, pageRef: PDFRef, offset: number): void {
  const page = ctx.lookup(pageRef, PDFDict);
  shiftNumber(page, 'StructParents', offset);
  const annots = page.lookupMaybe(N('Annots'), PDFArray);
  for (const entry of annots?.asArray() ?? []) {
    const annot = ctx.lookup(entry);
    if (annot instanceof PDFDict) shiftNumber(annot, 'StructParent', offset);
  }
}

function shiftNumber(dict: PDFDict, key: string, offset: number): void {
  const value = dict.get(N(key));
  if (value instanceof PDFNumber) dict.set(N(key), PDFNumber.of(value.asNumber() + offset));
}

function appendPage(out: PDFDocument, pageRef: PDFRef, index: number): void {
  const parent = out.catalog.insertLeafNode(pageRef, index);
  (out.context.lookup(pageRef) as PDFPageLeaf).setParent(parent);
}

function appendBlankPage(out: PDFDocument, index: number): void {
  const pagesRef = out.catalog.get(N('Pages')) as PDFRef;
  const blank = PDFPageLeaf.withContextAndParent(out.context, pagesRef);
  blank.set(N('MediaBox'), out.context.obj([0, 0, ...LETTER]));
  appendPage(out, out.context.register(blank), index);
}

/**
 * Copies a part's structure tree as one /Part element: its /Document element renamed (or a
 * new /Part around several top-level elements), with the part's /Lang. The source's links up
 * to its own root are cut first, so the copier does not drag the old root along.
 */
function copyStructure(
  src: PDFDocument,
  srcRoot: PDFDict,
  copier: PDFObjectCopier,
  ctx: PDFContext,
): PDFRef {
  const top = srcRoot.get(N('K'));
  const topRefs = (top instanceof PDFArray ? top.asArray() : top ? [top] : []).filter(
    (entry): entry is PDFRef => entry instanceof PDFRef,
  );
  for (const ref of topRefs) src.context.lookup(ref, PDFDict).delete(N('P'));
  const copiedTop = topRefs.map((ref) => copier.copy(ref) as PDFRef);
  const [only] = copiedTop;
  let partRef: PDFRef;
  if (copiedTop.length === 1 && only && ctx.lookup(only, PDFDict).get(N('S')) === N('Document')) {
    partRef = only;
  } else {
    partRef = ctx.register(ctx.obj({ Type: 'StructElem', K: copiedTop }));
    for (const ref of copiedTop) ctx.lookup(ref, PDFDict).set(N('P'), partRef);
  }
  const part = ctx.lookup(partRef, PDFDict);
  part.set(N('S'), N('Part'));
  const lang = src.catalog.get(N('Lang'));
  if (lang && part.get(N('Lang')) === undefined) part.set(N('Lang'), lang.clone(ctx));
  return partRef;
}

/** The indirect children of a structure element. */
function childRefs(elem: PDFDict): PDFRef[] {
  const k = elem.get(N('K'));
  const list = k instanceof PDFArray ? k.asArray() : k ? [k] : [];
  return list.filter((entry): entry is PDFRef => entry instanceof PDFRef);
}

/** Copies a part's parent-tree entries under keys shifted by `offset`; returns its key count. */
function copyParentTree(
  src: PDFDocument,
  srcRoot: PDFDict,
  copier: PDFObjectCopier,
  offset: number,
  into: [number, PDFRef | PDFArray | PDFDict][],
): number {
  let count = 0;
  const visit = (node: PDFDict) => {
    const nums = node.lookupMaybe(N('Nums'), PDFArray);
    for (let i = 0; nums && i + 1 < nums.size(); i += 2) {
      const key = nums.get(i);
      if (!(key instanceof PDFNumber)) continue;
      into.push([key.asNumber() + offset, copier.copy(nums.get(i + 1)) as PDFRef | PDFArray]);
      count = Math.max(count, key.asNumber() + 1);
    }
    const kids = node.lookupMaybe(N('Kids'), PDFArray);
    for (const kid of kids?.asArray() ?? []) visit(src.context.lookup(kid, PDFDict));
  };
  const tree = srcRoot.lookupMaybe(N('ParentTree'), PDFDict);
  if (tree) visit(tree);
  const next = srcRoot.get(N('ParentTreeNextKey'));
  return Math.max(count, next instanceof PDFNumber ? next.asNumber() : 0);
}

/** Prefixes every element /ID below `ref` (ids repeat across parts) and collects them. */
function collectIds(ctx: PDFContext, ref: PDFRef, prefix: string, into: [string, PDFRef][]) {
  const seen = new Set<PDFRef>();
  const stack = [ref];
  while (stack.length > 0) {
    const current = stack.pop() as PDFRef;
    if (seen.has(current)) continue;
    seen.add(current);
    const elem = ctx.lookup(current);
    if (!(elem instanceof PDFDict)) continue;
    const id = elem.get(N('ID'));
    if (id instanceof PDFString || id instanceof PDFHexString) {
      const value = `${prefix}${id.decodeText()}`;
      elem.set(N('ID'), PDFString.of(value));
      into.push([value, current]);
    }
    stack.push(...childRefs(elem));
  }
}

/** An outline entry for a part, opening its first page, with the part's outline inside. */
function outlineItem(
  src: PDFDocument,
  copier: PDFObjectCopier,
  ctx: PDFContext,
  title: string,
  firstPage: PDFRef,
  parent: PDFRef,
): PDFRef {
  const item = ctx.obj({
    Title: PDFHexString.fromText(title),
    Parent: parent,
    Dest: [firstPage, 'Fit'],
  });
  const itemRef = ctx.register(item);
  const srcOutlines = src.catalog.lookupMaybe(N('Outlines'), PDFDict);
  const firstRef = srcOutlines?.get(N('First'));
  if (srcOutlines && firstRef instanceof PDFRef) {
    // Cut the entries' way back to the source's root, copy them, and hang them here.
    const top: PDFRef[] = [];
    for (let at: unknown = firstRef; at instanceof PDFRef; ) {
      top.push(at);
      const entry = src.context.lookup(at, PDFDict);
      entry.delete(N('Parent'));
      at = entry.get(N('Next'));
    }
    const copied = top.map((ref) => copier.copy(ref) as PDFRef);
    for (const ref of copied) ctx.lookup(ref, PDFDict).set(N('Parent'), itemRef);
    item.set(N('First'), copied[0] as PDFRef);
    item.set(N('Last'), copied[copied.length - 1] as PDFRef);
    // Closed by default: the reader sees one entry per part.
    item.set(N('Count'), PDFNumber.of(-copied.length));
  }
  return itemRef;
}

/** Links the parts' outline entries as siblings under the outline root. */
function linkSiblings(ctx: PDFContext, items: PDFRef[], root: PDFDict): void {
  items.forEach((ref, i) => {
    const item = ctx.lookup(ref, PDFDict);
    const prev = items[i - 1];
    const next = items[i + 1];
    if (prev) item.set(N('Prev'), prev);
    if (next) item.set(N('Next'), next);
  });
  const [first] = items;
  const last = items[items.length - 1];
  if (first && last) {
    root.set(N('First'), first);
    root.set(N('Last'), last);
    root.set(N('Count'), PDFNumber.of(items.length));
  }
}
