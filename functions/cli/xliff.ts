/**
 * XLIFF 2.0 (OASIS, core only) for the district's translation office: the free text of a
 * decision version out, one unit per field with notes giving the field's legal meaning; the
 * translated file back in as a translations item, every unit checked. CAT tools used by
 * translation vendors read and write this format. Parsed with a real XML parser, never by hand.
 */
import {
  DOMImplementation,
  DOMParser,
  type Element,
  type Node,
  XMLSerializer,
} from '@xmldom/xmldom';
import type { Decision } from '../core/decision.ts';
import type { Problem } from '../core/problems.ts';
import { translatableFields } from '../core/translatable.ts';
import { checkTranslation, injectsMarkup, type TranslationItem } from '../core/translation.ts';

/** The XLIFF 2.0 core namespace. */
export const XLIFF_NS = 'urn:oasis:names:tc:xliff:document:2.0';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Characters XML 1.0 cannot carry at all (C0 controls other than tab, newline, return). */
const notXml = (text: string): boolean =>
  [...text].some((c) => {
    const point = c.codePointAt(0) ?? 0;
    return (
      (point < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') ||
      point === 0xfffe ||
      point === 0xffff
    );
  });

/**
 * The XLIFF 2.0 file of `decision`'s free text, from `sourceLanguage` into `language`: one
 * `<unit>` per field (its id stable, its name the field's path), with a `<note>` on what the
 * field means in law. Throws when a field holds a character XML cannot represent.
 */
export function exportXliff(decision: Decision, language: string, sourceLanguage = 'en'): string {
  const doc = new DOMImplementation().createDocument(XLIFF_NS, 'xliff', null);
  const root = doc.documentElement as Element;
  root.setAttribute('version', '2.0');
  root.setAttribute('srcLang', sourceLanguage);
  root.setAttribute('trgLang', language);
  const el = (parent: Element, name: string, text?: string, depth = 0): Element => {
    parent.appendChild(doc.createTextNode(`\n${'  '.repeat(depth)}`));
    const child = doc.createElementNS(XLIFF_NS, name);
    if (text !== undefined) child.appendChild(doc.createTextNode(text));
    parent.appendChild(child);
    return child;
  };
  const file = el(root, 'file', undefined, 1);
  file.setAttribute('id', `${decision.decisionId}.v${decision.version}`);
  const fileNotes = el(file, 'notes', undefined, 2);
  el(
    fileNotes,
    'note',
    `Decision ${decision.decisionId}, version ${decision.version}, of district ${decision.districtId}. Translate every unit for the parents; keep names, addresses, phone numbers and quoted titles as written. The prior written notice must be in the parents' native language (34 CFR 300.503(c)).`,
    3,
  ).setAttribute('category', 'instructions');
  fileNotes.appendChild(doc.createTextNode('\n    '));
  for (const field of translatableFields(decision)) {
    if (notXml(field.source))
      throw new Error(`${field.path}: holds a control character XML cannot carry`);
    const unit = el(file, 'unit', undefined, 2);
    unit.setAttribute('id', field.id);
    unit.setAttribute('name', field.path);
    const notes = el(unit, 'notes', undefined, 3);
    el(notes, 'note', field.meaning, 4).setAttribute('category', 'legal-meaning');
    notes.appendChild(doc.createTextNode('\n      '));
    const segment = el(unit, 'segment', undefined, 3);
    const source = el(segment, 'source', field.source, 4);
    source.setAttributeNS(XML_NS, 'xml:space', 'preserve');
    segment.appendChild(doc.createTextNode('\n      '));
    unit.appendChild(doc.createTextNode('\n    '));
  }
  file.appendChild(doc.createTextNode('\n  '));
  root.appendChild(doc.createTextNode('\n'));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(doc)}\n`;
}

/** What an XLIFF file made: the translations item, or every problem with the unit it is in. */
export type XliffImport =
  | { kind: 'item'; item: TranslationItem }
  | { kind: 'rejected'; problems: Problem[] };

const children = (node: Node, name: string): Element[] =>
  Array.from(node.childNodes).filter(
    (child): child is Element =>
      child.nodeType === 1 &&
      (child as Element).namespaceURI === XLIFF_NS &&
      (child as Element).localName === name,
  );

/** The text of a `<source>` or `<target>`, or null when it holds an element (inline markup). */
function plainText(element: Element): string | null {
  let text = '';
  for (const child of Array.from(element.childNodes)) {
    if (child.nodeType === 3 || child.nodeType === 4) text += child.nodeValue ?? '';
    else if (child.nodeType !== 8) return null; // comments aside, only text
  }
  return text;
}

/**
 * A unit's translation: its segments' targets in order, and what its ignorables hold between
 * them (a CAT tool may split a field into sentences). An error message when not translated.
 */
function unitText(unit: Element): { text: string } | { error: string } {
  let text = '';
  let segments = 0;
  for (const part of Array.from(unit.childNodes)) {
    if (part.nodeType !== 1 || (part as Element).namespaceURI !== XLIFF_NS) continue;
    const name = (part as Element).localName;
    if (name !== 'segment' && name !== 'ignorable') continue;
    const [target] = children(part, 'target');
    const [source] = children(part, 'source');
    if (name === 'segment') segments++;
    if (!target && name === 'segment') return { error: 'has no <target>: not translated' };
    const piece = plainText((target ?? source) as Element);
    if (piece === null) return { error: 'has markup (an element) in its <target>' };
    text += piece;
  }
  if (segments === 0) return { error: 'has no <segment>' };
  return { text };
}

/** Parses XML, every error and warning kept (a malformed file is rejected, not repaired). */
function parse(xml: string): { root: Element } | { problems: Problem[] } {
  const errors: string[] = [];
  let doc: ReturnType<DOMParser['parseFromString']> | undefined;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') errors.push(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (error) {
    errors.push((error as Error).message);
  }
  const root = doc?.documentElement;
  if (errors.length > 0 || !root)
    return {
      problems: (errors.length ? errors : ['no root element']).map((message) => ({
        path: '(file)',
        message: `not well-formed XML: ${message.split('\n')[0]}`,
      })),
    };
  return { root };
}

/**
 * Reads a translated XLIFF 2.0 file of `decision` into `language`: a translations item when
 * every unit is translated, as plain text, and the file is the decision's; else every problem,
 * each naming its unit.
 */
export function importXliff(xml: string, decision: Decision, language: string): XliffImport {
  const parsed = parse(xml);
  if ('problems' in parsed) return { kind: 'rejected', problems: parsed.problems };
  const { root } = parsed;
  const problems: Problem[] = [];
  if (
    root.namespaceURI !== XLIFF_NS ||
    root.localName !== 'xliff' ||
    !root.getAttribute('version')?.startsWith('2.')
  )
    return {
      kind: 'rejected',
      problems: [
        {
          path: '(file)',
          message: `not an XLIFF 2 file (root <xliff xmlns="${XLIFF_NS}" version="2.0">)`,
        },
      ],
    };
  if (root.getAttribute('trgLang') !== language)
    problems.push({
      path: '(file)',
      message: `the file is a translation into "${root.getAttribute('trgLang') ?? ''}", not "${language}"`,
    });
  const texts: Record<string, string> = {};
  for (const file of children(root, 'file'))
    for (const unit of Array.from(file.getElementsByTagNameNS(XLIFF_NS, 'unit'))) {
      const id = unit.getAttribute('id') ?? '';
      const result = unitText(unit);
      if (Object.hasOwn(texts, id))
        problems.push({ path: id, message: `unit ${id} appears twice` });
      else if ('error' in result)
        problems.push({ path: id, message: `unit ${id} ${result.error}` });
      else texts[id] = result.text;
    }
  const item: TranslationItem = {
    kind: 'translation',
    districtId: decision.districtId,
    decisionId: decision.decisionId,
    version: decision.version,
    language,
    texts,
  };
  // Units already reported (unreadable, twice, or missing) are not reported again below.
  const reported = new Set(problems.map((p) => p.path));
  for (const field of translatableFields(decision))
    if (!reported.has(field.id) && !Object.hasOwn(texts, field.id)) {
      problems.push({ path: field.id, message: `unit ${field.id} (${field.path}) is missing` });
      reported.add(field.id);
    }
  // The item's own check names untranslated (blank), unknown and marked-up units.
  for (const problem of checkTranslation(decision, item)) {
    const unit = /\(unit ([^)]+)\)$/.exec(problem.message)?.[1] ?? problem.path;
    if (!reported.has(unit)) problems.push(problem);
  }
  return problems.length > 0 ? { kind: 'rejected', problems } : { kind: 'item', item };
}

export { injectsMarkup };
