/**
 * The "Is this copy genuine?" page: the form, and the answer about a code or an uploaded file.
 * Strict Handlebars like the delivery pages (every value escaped). Its words are English for
 * now; document and language names come from the English locale.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { DistrictDirectory, DistrictProfile } from '../core/district.ts';
import { templatesDir } from '../render/assets.ts';
import { formatDate, type Locale, languageName } from '../render/locales.ts';
import { documentName } from './delivery-templates.ts';
import type { CopyFacts, SignatureFinding, Standing, UploadCheck } from './genuine-copy.ts';

/** What the page shows. */
export type VerifyView =
  | { kind: 'form' }
  | { kind: 'facts'; facts: CopyFacts }
  | { kind: 'upload'; facts: CopyFacts | undefined; upload: UploadCheck }
  /** A code (or a file's code) this deployment cannot answer for: one page whatever the code. */
  | { kind: 'not-found' }
  | { kind: 'too-large' };

/** Renders the page's views for one deployment. */
export interface VerifyPage {
  render(view: VerifyView): string;
}

const SIGNATURE_TEXT: Record<SignatureFinding, string> = {
  trusted:
    "Its signature is intact and was made with a certificate the district's trust anchors issued.",
  'not-trusted':
    'Its signature is intact but was not made with a certificate this district trusts: treat it as a forgery.',
  'not-intact': 'It was changed after it was signed: its signature no longer matches its contents.',
  unsigned: 'It carries no signature that can be read.',
};

function standingText(standing: Standing, locale: Locale): string {
  switch (standing.state) {
    case 'in-force':
      return 'This version is the one in force.';
    case 'superseded':
      return `This version is no longer in force: version ${standing.byVersion} superseded it${
        standing.on ? ` on ${formatDate(standing.on, locale)}` : ''
      }.`;
    case 'withdrawn':
      return 'This version was withdrawn by the district: it is not in force.';
    case 'not-in-force':
      return 'This version is not in force.';
  }
}

/**
 * Compiles the page once. `action` is the page's absolute address (`<base>/verify`); the
 * not-found message names the deployment's district only when it serves exactly one, so it
 * says the same for every code.
 */
export function compileVerifyPage(input: {
  districts: DistrictDirectory;
  english: Locale;
  action: string;
  maxUploadBytes: number;
  dir?: string;
}): VerifyPage {
  const hbs = Handlebars.create();
  const template = hbs.compile(
    readFileSync(join(input.dir ?? templatesDir(), 'verify/page.hbs'), 'utf8'),
    { strict: true, knownHelpers: { if: true }, knownHelpersOnly: true, preventIndent: true },
  );
  const t = input.english;
  const ids = input.districts.ids;
  const sole: DistrictProfile | undefined =
    ids.length === 1 ? input.districts.get(ids[0] as string) : undefined;
  const notFound = sole
    ? `${sole.name} has no document with this code, or the file names none. Check the code in the footer, or call ${sole.name} at ${sole.phone}.`
    : 'No document with this code was found, or the file names none. Check the code in the footer, or ask the district that sent it.';
  const factsView = (facts: CopyFacts) => {
    const district = input.districts.get(facts.districtId);
    return {
      documentId: facts.documentId,
      districtName: district.name,
      districtPhone: district.phone,
      districtEmail: district.email,
      typeName: documentName(facts.type, t),
      languageName: languageName(facts.language, t),
      issuedOn: formatDate(facts.issuedOn, t),
      version: facts.version,
      standing: standingText(facts.standing, t),
      sha256: facts.sha256,
    };
  };
  const uploadView = (facts: CopyFacts | undefined, upload: UploadCheck) => ({
    verdict: upload.sameFile
      ? 'Your file is the genuine file, byte for byte.'
      : 'Your file is NOT the file the district issued under this code.',
    hash: upload.sameFile
      ? 'Its SHA-256 is the genuine file’s.'
      : `Its SHA-256 differs from the genuine file’s${facts ? ` (${facts.sha256})` : ''}.`,
    signature: SIGNATURE_TEXT[upload.signature],
    sha256: upload.uploadedSha256,
  });
  // Every key present (null when not shown): the template is strict.
  const common = {
    action: input.action,
    maxUploadMb: Math.floor(input.maxUploadBytes / 2 ** 20),
    facts: null,
    upload: null,
    notFound: null,
    tooLarge: null,
  };
  return {
    render(view) {
      switch (view.kind) {
        case 'form':
          return template(common);
        case 'facts':
          return template({ ...common, facts: factsView(view.facts) });
        case 'upload':
          return view.facts
            ? template({
                ...common,
                facts: factsView(view.facts),
                upload: uploadView(view.facts, view.upload),
              })
            : template({ ...common, notFound, upload: uploadView(undefined, view.upload) });
        case 'not-found':
          return template({ ...common, notFound });
        case 'too-large':
          return template({
            ...common,
            tooLarge: `The file is larger than ${common.maxUploadMb} MB: no document of the district is. Type the code in its footer instead.`,
          });
      }
    },
  };
}
