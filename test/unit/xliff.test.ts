/**
 * The translation office's round trip: XLIFF 2.0 out (one unit per free-text field, stable
 * ids, legal notes), translated, back in as a translations item; a malformed or incomplete
 * file rejected with its units named.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Document, type Element, XMLSerializer } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../functions/cli/main.ts';
import { exportXliff, importXliff, XLIFF_NS } from '../../functions/cli/xliff.ts';
import { translatableFields } from '../../functions/core/translatable.ts';
import { checkTranslation } from '../../functions/core/translation.ts';
import { SAMPLES_DIR, sampleDecision } from '../fixtures/decisions.ts';

const SAMPLES = ['annual-grade4-en', 'transition-es', 'amendment-en'];

/** What a translator's tool does: a `<target>` in every segment, here the source marked. */
function translate(xml: string, edit?: (doc: Document) => void): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  for (const segment of Array.from(doc.getElementsByTagNameNS(XLIFF_NS, 'segment'))) {
    const source = segment.getElementsByTagNameNS(XLIFF_NS, 'source')[0];
    const target = doc.createElementNS(XLIFF_NS, 'target');
    target.textContent = `ES: ${source?.textContent ?? ''}`;
    segment.appendChild(target);
  }
  edit?.(doc);
  return new XMLSerializer().serializeToString(doc);
}

const unitOf = (doc: Document, id: string) =>
  Array.from(doc.getElementsByTagNameNS(XLIFF_NS, 'unit')).find(
    (u) => u.getAttribute('id') === id,
  ) as Element | undefined;

describe('XLIFF 2.0 export', () => {
  it.each(SAMPLES)(
    '%s: one unit per free-text field, ids unique, each with its legal meaning',
    (name) => {
      const decision = sampleDecision(name);
      const xml = exportXliff(decision, 'es');
      const doc = new DOMParser().parseFromString(xml, 'text/xml');
      const root = doc.documentElement as unknown as Element;
      expect(root.namespaceURI).toBe(XLIFF_NS);
      expect([
        root.getAttribute('version'),
        root.getAttribute('srcLang'),
        root.getAttribute('trgLang'),
      ]).toEqual(['2.0', 'en', 'es']);
      const units = Array.from(doc.getElementsByTagNameNS(XLIFF_NS, 'unit'));
      const fields = translatableFields(decision);
      expect(units.map((u) => u.getAttribute('id'))).toEqual(fields.map((f) => f.id));
      expect(new Set(fields.map((f) => f.id)).size).toBe(fields.length);
      for (const unit of units) {
        const note = unit.getElementsByTagNameNS(XLIFF_NS, 'note')[0];
        expect(note?.getAttribute('category')).toBe('legal-meaning');
        expect(note?.textContent).toMatch(/\(34 CFR 300\.\d+/);
      }
      // The fields the documents print in words, among them the notice's seven elements.
      expect(fields.map((f) => f.id)).toEqual(
        expect.arrayContaining([
          'iep.presentLevels.academic',
          `iep.goals.${decision.iep.goals[0]?.goalId}.annualGoal`,
          'priorWrittenNotice.actionProposed',
          'priorWrittenNotice.explanation',
          'priorWrittenNotice.otherFactors',
        ]),
      );
    },
  );

  it('keeps ids stable: the same decision exports the same file', () => {
    expect(exportXliff(sampleDecision(), 'vi')).toBe(exportXliff(sampleDecision(), 'vi'));
  });

  it('escapes text that looks like markup, and it comes back as the same text', () => {
    const decision = sampleDecision(undefined, (d) => {
      d.iep.presentLevels.academic = 'Scores < 80 & "reads" <b>slowly</b> {{x}}';
    });
    const xml = exportXliff(decision, 'es');
    expect(xml).toContain('Scores &lt; 80 &amp; "reads" &lt;b&gt;slowly&lt;/b&gt; {{x}}');
    const back = importXliff(translate(xml), decision, 'es');
    expect(back.kind).toBe('item');
    if (back.kind === 'item')
      expect(back.item.texts['iep.presentLevels.academic']).toBe(
        'ES: Scores < 80 & "reads" <b>slowly</b> {{x}}',
      );
  });
});

describe('XLIFF 2.0 import', () => {
  it.each(SAMPLES)('%s: export, translate, import gives back every field translated', (name) => {
    const decision = sampleDecision(name);
    const result = importXliff(translate(exportXliff(decision, 'es')), decision, 'es');
    if (result.kind !== 'item') throw new Error(JSON.stringify(result.problems));
    expect(result.item).toMatchObject({
      kind: 'translation',
      districtId: decision.districtId,
      decisionId: decision.decisionId,
      version: decision.version,
      language: 'es',
    });
    expect(result.item.texts).toEqual(
      Object.fromEntries(translatableFields(decision).map((f) => [f.id, `ES: ${f.source}`])),
    );
    expect(checkTranslation(decision, result.item)).toEqual([]);
  });

  it("joins a unit's segments and what lies between them, as a CAT tool splits sentences", () => {
    const decision = sampleDecision();
    const xml = translate(exportXliff(decision, 'es'), (doc) => {
      const unit = unitOf(doc, 'iep.presentLevels.academic') as Element;
      const first = unit.getElementsByTagNameNS(XLIFF_NS, 'segment')[0] as Element;
      (first.getElementsByTagNameNS(XLIFF_NS, 'target')[0] as Element).textContent =
        'Primera frase.';
      const ignorable = doc.createElementNS(XLIFF_NS, 'ignorable');
      const space = doc.createElementNS(XLIFF_NS, 'source');
      space.textContent = ' ';
      ignorable.appendChild(space);
      const second = doc.createElementNS(XLIFF_NS, 'segment');
      for (const [tag, text] of [
        ['source', 'Second.'],
        ['target', 'Segunda frase.'],
      ]) {
        const el = doc.createElementNS(XLIFF_NS, tag as string);
        el.textContent = text as string;
        second.appendChild(el);
      }
      unit.appendChild(ignorable);
      unit.appendChild(second);
    });
    const result = importXliff(xml, decision, 'es');
    if (result.kind !== 'item') throw new Error(JSON.stringify(result.problems));
    expect(result.item.texts['iep.presentLevels.academic']).toBe('Primera frase. Segunda frase.');
  });

  it('rejects an incomplete file, naming each missing or untranslated unit', () => {
    const decision = sampleDecision();
    const goal = decision.iep.goals[0]?.goalId;
    const xml = translate(exportXliff(decision, 'es'), (doc) => {
      const gone = unitOf(doc, 'priorWrittenNotice.explanation') as Element;
      gone.parentNode?.removeChild(gone);
      const untranslated = unitOf(doc, `iep.goals.${goal}.criteria`) as Element;
      const target = untranslated.getElementsByTagNameNS(XLIFF_NS, 'target')[0] as Element;
      target.parentNode?.removeChild(target);
      const blank = unitOf(doc, 'iep.presentLevels.functional') as Element;
      (blank.getElementsByTagNameNS(XLIFF_NS, 'target')[0] as Element).textContent = '  ';
    });
    const result = importXliff(xml, decision, 'es');
    expect(result.kind).toBe('rejected');
    if (result.kind !== 'rejected') return;
    const lines = result.problems.map((p) => `${p.path}: ${p.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /unit priorWrittenNotice\.explanation \(priorWrittenNotice\.explanation\) is missing/,
        ),
        expect.stringMatching(new RegExp(`unit iep\\.goals\\.${goal}\\.criteria has no <target>`)),
        expect.stringMatching(
          /^iep\.presentLevels\.functional: untranslated into es \(unit iep\.presentLevels\.functional\)/,
        ),
      ]),
    );
    expect(lines).toHaveLength(3);
  });

  it('rejects markup put into a translation, naming the unit', () => {
    const decision = sampleDecision();
    const xml = translate(exportXliff(decision, 'es'), (doc) => {
      const inline = unitOf(doc, 'iep.presentLevels.academic') as Element;
      const target = inline.getElementsByTagNameNS(XLIFF_NS, 'target')[0] as Element;
      const pc = doc.createElementNS(XLIFF_NS, 'pc');
      pc.setAttribute('id', '1');
      pc.textContent = 'negrita';
      target.appendChild(pc);
      const escaped = unitOf(doc, 'iep.presentLevels.strengths') as Element;
      (escaped.getElementsByTagNameNS(XLIFF_NS, 'target')[0] as Element).textContent =
        'Fortalezas <img src="http://127.0.0.1:9/x">';
    });
    const result = importXliff(xml, decision, 'es');
    expect(result.kind === 'rejected' && result.problems.map((p) => p.message)).toEqual([
      'unit iep.presentLevels.academic has markup (an element) in its <target>',
      'markup in the translation (unit iep.presentLevels.strengths)',
    ]);
  });

  it('rejects a file that is not well-formed XML, or not XLIFF 2, or into another language', () => {
    const decision = sampleDecision();
    const good = translate(exportXliff(decision, 'es'));
    const truncated = importXliff(good.slice(0, good.length / 2), decision, 'es');
    expect(truncated.kind === 'rejected' && truncated.problems[0]?.message).toMatch(
      /^not well-formed XML/,
    );
    const v1 = importXliff('<xliff version="1.2"><file/></xliff>', decision, 'es');
    expect(v1.kind === 'rejected' && v1.problems[0]?.message).toMatch(/not an XLIFF 2 file/);
    const other = importXliff(good, decision, 'vi');
    expect(other.kind === 'rejected' && other.problems.map((p) => p.message)).toEqual([
      'the file is a translation into "es", not "vi"',
    ]);
  });
});

describe('iep-docs translation', () => {
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      stdout: (l) => out.push(l),
      stderr: (l) => err.push(l),
      env: {},
    });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };

  it('exports, and imports the translated file as a translations item', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iep-xliff-'));
    const file = new URL('transition-es.json', SAMPLES_DIR).pathname;
    const exported = await run('translation', 'export', file, '--language', 'es');
    expect(exported.code).toBe(0);
    const xlf = join(dir, 'x.xlf');
    writeFileSync(xlf, translate(exported.stdout));
    const imported = await run('translation', 'import', file, xlf, '--language', 'es');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      kind: 'translation',
      decisionId: 'sample-0002',
      language: 'es',
    });

    writeFileSync(xlf, exported.stdout); // sent back untranslated
    const rejected = await run('translation', 'import', file, xlf, '--language', 'es');
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toContain(
      `${xlf}: iep.presentLevels.academic: unit iep.presentLevels.academic has no <target>`,
    );
    expect((await run('translation', 'export', file)).code).toBe(3);
  });
});
