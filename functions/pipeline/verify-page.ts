/**
 * The "Is this copy genuine?" page: the form, and the answer about a code or an uploaded file,
 * in each language the locales support (its words in `templates/verify/words/<tag>.json`,
 * document and language names and dates from the locale). Strict Handlebars like the delivery
 * pages (every value escaped).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { DistrictDirectory, DistrictProfile } from '../core/district.ts';
import { matchLocale } from '../core/languages.ts';
import { templatesDir } from '../render/assets.ts';
import { formatDate, interpolate, type Locale, languageName } from '../render/locales.ts';
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
  /** The language tags the page speaks, English first. */
  readonly languages: readonly string[];
  /** The page in `language` (one of {@link languages}; English otherwise). */
  render(view: VerifyView, language?: string): string;
}

/** The page's own words in one language (English is the reference). */
export type VerifyWords = typeof import('../../templates/verify/words/en.json');

/** The words files of a templates folder, by tag. */
export function loadVerifyWords(dir: string = templatesDir()): Map<string, VerifyWords> {
  const folder = join(dir, 'verify/words');
  const words = new Map<string, VerifyWords>();
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
    const read = JSON.parse(readFileSync(join(folder, file), 'utf8')) as VerifyWords;
    words.set(read.locale, read);
  }
  return words;
}

const SIGNATURE_KEY = {
  trusted: 'signatureTrusted',
  'not-trusted': 'signatureNotTrusted',
  'not-intact': 'signatureNotIntact',
  unsigned: 'signatureUnsigned',
} as const satisfies Record<SignatureFinding, keyof VerifyWords>;

function standingText(standing: Standing, w: VerifyWords, locale: Locale): string {
  switch (standing.state) {
    case 'in-force':
      return w.inForce;
    case 'superseded':
      return standing.on
        ? interpolate(w.superseded, {
            version: standing.byVersion,
            date: formatDate(standing.on, locale),
          })
        : interpolate(w.supersededUndated, { version: standing.byVersion });
    case 'withdrawn':
      return w.withdrawn;
    case 'not-in-force':
      return w.notInForce;
  }
}

/** The language of a request: `?lang=` when the page speaks it, else Accept-Language, else English. */
export function pageLanguage(
  available: readonly string[],
  query: string | null | undefined,
  acceptLanguage: string | undefined,
): string {
  const asked = query ? matchLocale(query, available) : undefined;
  if (asked) return asked;
  // RFC 9110 §12.5.4: ranges by weight, in order for equal weights; "*" and q=0 name nothing.
  const ranges = (acceptLanguage ?? '')
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.tag && r.tag !== '*' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    const found = matchLocale(range.tag, available);
    if (found) return found;
  }
  return 'en';
}

/** The answer about one document, in one language. */
function factsText(facts: CopyFacts, districts: DistrictDirectory, w: VerifyWords, t: Locale) {
  const district = districts.get(facts.districtId);
  const typeName = documentName(facts.type, t);
  return {
    heading: interpolate(w.answerHeading, { type: typeName, district: district.name }),
    documentId: facts.documentId,
    districtName: district.name,
    districtPhone: district.phone,
    districtEmail: district.email,
    typeName,
    languageName: languageName(facts.language, t),
    issuedOn: formatDate(facts.issuedOn, t),
    version: facts.version,
    standing: standingText(facts.standing, w, t),
    sha256: facts.sha256,
  };
}

/** The check of an uploaded file, in one language. */
function uploadText(facts: CopyFacts | undefined, upload: UploadCheck, w: VerifyWords) {
  return {
    verdict: upload.sameFile ? w.sameFile : w.notSameFile,
    hash: upload.sameFile
      ? w.sameHash
      : facts
        ? interpolate(w.differentHash, { sha256: facts.sha256 })
        : w.differentHashUnknown,
    signature: w[SIGNATURE_KEY[upload.signature]],
    sha256: upload.uploadedSha256,
  };
}

/**
 * Compiles the page once. `action` is the page's absolute address (`<base>/verify`); the
 * not-found message names the deployment's district only when it serves exactly one, so it
 * says the same for every code.
 * Long because: `renderIn` closes over the compiled template, the words and the languages,
 * built once per deployment.
 */
export function compileVerifyPage(input: {
  districts: DistrictDirectory;
  locales: ReadonlyMap<string, Locale>;
  action: string;
  maxUploadBytes: number;
  dir?: string;
}): VerifyPage {
  const hbs = Handlebars.create();
  const template = hbs.compile(
    readFileSync(join(input.dir ?? templatesDir(), 'verify/page.hbs'), 'utf8'),
    {
      strict: true,
      knownHelpers: { if: true, each: true },
      knownHelpersOnly: true,
      preventIndent: true,
    },
  );
  const allWords = loadVerifyWords(input.dir);
  // A language needs both its locale (names, dates) and the page's words.
  const languages = [
    'en',
    ...[...input.locales.keys()].filter((t) => t !== 'en' && allWords.has(t)),
  ];
  const ids = input.districts.ids;
  const sole: DistrictProfile | undefined =
    ids.length === 1 ? input.districts.get(ids[0] as string) : undefined;
  const maxUploadMb = Math.floor(input.maxUploadBytes / 2 ** 20);

  const renderIn = (view: VerifyView, language: string): string => {
    const t = input.locales.get(language) as Locale;
    const w = allWords.get(language) as VerifyWords;
    const notFound = sole
      ? interpolate(w.notFoundDistrict, { district: sole.name, phone: sole.phone })
      : w.notFound;
    const factsView = (facts: CopyFacts) => factsText(facts, input.districts, w, t);
    const uploadView = (facts: CopyFacts | undefined, upload: UploadCheck) =>
      uploadText(facts, upload, w);
    // The same answer in another language: a code's page keeps its code.
    const here = view.kind === 'facts' ? `${input.action}/${view.facts.documentId}` : input.action;
    const others = languages
      .filter((tag) => tag !== language)
      .map((tag) => ({
        tag,
        name: (input.locales.get(tag) as Locale).languageName,
        href: `${here}?lang=${encodeURIComponent(tag)}`,
      }));
    // Every key present (null when not shown): the template is strict.
    const common = {
      w: { ...w, checkIntro: interpolate(w.checkIntro, { footerWord: t.common.document }) },
      fileLabel: interpolate(w.fileLabel, { mb: maxUploadMb }),
      lang: language,
      dir: t.direction,
      action: input.action,
      others,
      facts: null,
      upload: null,
      notFound: null,
      tooLarge: null,
    };
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
        return template({ ...common, tooLarge: interpolate(w.tooLarge, { mb: maxUploadMb }) });
    }
  };
  return {
    languages,
    render: (view, language) =>
      renderIn(view, language && languages.includes(language) ? language : 'en'),
  };
}
