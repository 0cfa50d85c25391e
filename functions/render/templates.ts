/**
 * The one Handlebars environment: strict mode (a missing key is an error), built-in
 * helpers only, templates compiled once per process, every value escaped. Decision
 * text is data and is never compiled, so `{{...}}` typed by a district stays literal
 * text. The only unescaped values are our own styles, passed as SafeString.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { MeetingDocumentType } from '../core/documents.ts';
import { templatesDir } from './assets.ts';

const KNOWN_HELPERS = { if: true, unless: true, each: true, with: true } as const;
const PARTIALS = [
  'head',
  'letterhead',
  'font-warm-up',
  'draft',
  'language-notice',
  'email',
  'segments',
  'words',
  'standing',
] as const;

type Compiled = (data: object) => string;

/** Compiled document templates and the document stylesheet. */
export interface TemplateSet {
  documents: Record<MeetingDocumentType, Compiled>;
  /** The compliance calendar's notices (annual review, majority): one layout, texts from the view. */
  notice: Compiled;
  /** The notice of an IEP team meeting (34 CFR 300.322). */
  meetingNotice: Compiled;
  /** The document stylesheet (ours, trusted). */
  documentCss: string;
}

/** Compiles every template of `dir` once. */
export function compileTemplates(dir: string = templatesDir()): TemplateSet {
  const hbs = Handlebars.create();
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  const compile = (file: string): Compiled => {
    const template = hbs.compile(read(file), {
      strict: true,
      knownHelpers: KNOWN_HELPERS,
      knownHelpersOnly: true,
      noEscape: false,
      preventIndent: true,
    });
    return (data) =>
      template(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
  };
  for (const name of PARTIALS) {
    hbs.registerPartial(
      name,
      hbs.compile(read(`partials/${name}.hbs`), {
        strict: true,
        knownHelpersOnly: true,
        knownHelpers: KNOWN_HELPERS,
      }),
    );
  }
  return {
    documents: {
      iep: compile('iep.hbs'),
      'prior-written-notice': compile('prior-written-notice.hbs'),
      'consent-form': compile('consent-form.hbs'),
      'summary-of-performance': compile('summary-of-performance.hbs'),
    },
    notice: compile('notice-annual-review.hbs'),
    meetingNotice: compile('notice-of-meeting.hbs'),
    documentCss: read('styles/document.css'),
  };
}

/** Marks our own CSS as safe to insert unescaped (never used for decision data). */
export function trustedCss(css: string): Handlebars.SafeString {
  return new Handlebars.SafeString(css.replace(/<\//g, '<\\/'));
}
