import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { templatesDir } from '../../functions/render/assets.ts';
import { iepView } from '../../functions/render/iep-view.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import type { RunningPart } from '../../functions/render/running.ts';
import { compileTemplates } from '../../functions/render/templates.ts';
import { type DocumentContext, priorWrittenNoticeView } from '../../functions/render/view-model.ts';
import { sampleDecision } from '../fixtures/decisions.ts';

const templates = compileTemplates();
const locales = loadLocales();
const district = loadDistrictDirectory().get('example-usd');

function context(
  decision = sampleDecision(),
  type: DocumentContext['type'] = 'iep',
): DocumentContext {
  return {
    decision,
    district,
    locale: locales.get('en')!,
    type,
    documentId: 'doc_test',
    draft: null,
    decisionTextLanguage: 'en',
  };
}

const render = (ctx: DocumentContext) =>
  templates.documents[ctx.type]({
    ...(ctx.type === 'iep' ? iepView(ctx) : priorWrittenNoticeView(ctx)),
    styles: '',
    runningText: '',
  });

const headings = (html: string, level: string) =>
  [...html.matchAll(new RegExp(`<${level}>([^<]*)</${level}>`, 'g'))].map((m) => m[1]);

describe('templates', () => {
  it('never inserts a value unescaped (no triple-stash in any template)', () => {
    const files = readdirSync(templatesDir(), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.hbs'),
    );
    expect(files.length).toBeGreaterThan(4);
    for (const file of files)
      expect(readFileSync(join(templatesDir(), file), 'utf8')).not.toContain('{{{');
  });

  it('lays out the IEP sections in the order of 300.320, leaving out those that do not apply', () => {
    expect(headings(render(context()), 'h2')).toEqual([
      'Student Information',
      'Present Levels of Academic Achievement and Functional Performance',
      'Special Factors',
      'Measurable Annual Goals',
      'Progress Reporting',
      'Special Education and Related Services',
      'Least Restrictive Environment',
      'Participation in State and District Assessments',
      'Extended School Year',
      'IEP Team Participants',
    ]);
  });

  it('includes the transition plan when the student turns 16 during the IEP', () => {
    expect(headings(render(context(sampleDecision('transition-es'))), 'h2')).toContain(
      'Transition Plan',
    );
  });

  it('includes the transfer of rights when the age of majority falls within a year of the end', () => {
    const decision = sampleDecision('transition-es', (d) => {
      d.student.dateOfBirth = '2009-12-30';
      d.iep.transferOfRights = { ageOfMajority: 18, informedOn: '2026-11-19' };
    });
    const h2 = headings(render(context(decision)), 'h2');
    expect(h2.slice(-3)).toEqual([
      'Transition Plan',
      'Transfer of Rights at the Age of Majority',
      'IEP Team Participants',
    ]);
  });

  it('heads the prior written notice with the seven elements of 300.503(b), in order, then the next steps', () => {
    expect(headings(render(context(undefined, 'prior-written-notice')), 'h2')).toEqual([
      '1. Action Proposed or Refused',
      '2. Reasons for the Action',
      '3. Evaluations, Assessments, Records and Reports Used',
      '4. Procedural Safeguards',
      '5. Sources of Assistance',
      '6. Other Options Considered',
      '7. Other Relevant Factors',
      'What happens next',
    ]);
  });

  it('renders decision text containing HTML and Handlebars as literal, escaped text', () => {
    const decision = sampleDecision(undefined, (d) => {
      d.iep.presentLevels.academic =
        '<img src="http://127.0.0.1:9/x"> {{constructor.constructor}} {{> head}}';
      d.student.firstName = '<script>alert(1)</script>';
    });
    const html = render(context(decision));
    expect(html).toContain(
      '&lt;img src&#x3D;&quot;http://127.0.0.1:9/x&quot;&gt; {{constructor.constructor}} {{&gt; head}}',
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>');
  });

  it('fails loudly, in strict mode, when a template asks for a key the view lacks', () => {
    const view = iepView(context()) as Record<string, unknown>;
    delete view.lre;
    expect(() => templates.documents.iep({ ...view, styles: '', runningText: '' })).toThrow(
      /not defined/,
    );
  });

  it('puts student name, id, date of birth and school in the running header, and page numbers in the footer', () => {
    // Prepare
    const ctx = context();

    // Act
    const { header, footer } = iepView(ctx).running;

    // Assess
    const text = (parts: RunningPart[]) =>
      parts.map((part) => (typeof part === 'string' ? part : `[${part.counter}]`)).join('');
    const headerText = [header.start, header.center, header.end].map(text).join(' | ');
    expect(headerText).toContain('Riley Carter');
    expect(headerText).toContain(ctx.decision.student.studentId);
    expect(headerText).toContain('September 14, 2016');
    expect(headerText).toContain(ctx.decision.student.school);
    expect(text(footer.start)).toBe(`Page [page] of [pages] · ${ctx.district.name}`);
    expect(text(footer.end)).toContain('doc_test');
  });
});
