/**
 * The response page's HTML, in the recipient's language: the answer form, and the pages of the
 * other states (read only, locked, recorded, no longer in force). Texts are
 * templates/response/locales/<tag>.json; a language without them gets English, saying so in
 * English at the top. One strict Handlebars environment, every value escaped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { DistrictProfile } from '../core/district.ts';
import { matchLocale } from '../core/languages.ts';
import type { ResponseAnswer, ResponseForm, ResponseProblem } from '../core/parent-response.ts';
import { responseAnswers } from '../core/parent-response.ts';
import { templatesDir } from '../render/assets.ts';
import { interpolate, type Locale, languageName } from '../render/locales.ts';
import type { Standing } from './responses.ts';

/** The texts of the response page and its emails in one language. */
export type ResponseTexts = typeof import('../../templates/response/locales/en.json');

/** The response texts found, by locale tag. */
export function loadResponseTexts(dir: string = templatesDir()): Map<string, ResponseTexts> {
  const folder = join(dir, 'response', 'locales');
  const texts = new Map<string, ResponseTexts>();
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.json'))) {
    const parsed = JSON.parse(readFileSync(join(folder, file), 'utf8')) as ResponseTexts;
    texts.set(parsed.locale, parsed);
  }
  if (!texts.has('en')) throw new Error(`no English response texts in ${folder}`);
  return texts;
}

/** A message shown at the top of the page (`alert`: something to fix). */
export interface PageStatus {
  text: string;
  alert: boolean;
}

/** What the form shows again after a post (what was chosen, problems, a status). */
export interface FormState {
  csrf: string;
  /** The path answered: the page (`/d/<token>/respond`) or the code request (`…/respond/code`). */
  at?: 'page' | 'code';
  values?: ResponseForm;
  problems?: readonly ResponseProblem[];
  status?: PageStatus;
}

/** Renders the response page's states for one deployment's texts and locales. */
export class ResponsePage {
  readonly #template: (data: object) => string;
  readonly #codeTemplate: (data: object) => string;

  constructor(
    private readonly texts: ReadonlyMap<string, ResponseTexts>,
    private readonly locales: ReadonlyMap<string, Locale>,
    dir: string = templatesDir(),
  ) {
    const hbs = Handlebars.create();
    const compile = (file: string) => {
      const compiled = hbs.compile(readFileSync(join(dir, 'response', file), 'utf8'), {
        strict: true,
        knownHelpers: { if: true, each: true },
        knownHelpersOnly: true,
      });
      return (data: object) =>
        compiled(data, { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false });
    };
    this.#template = compile('page.hbs');
    this.#codeTemplate = compile('code.hbs');
  }

  /** The texts for a page language, and the English note when they are not in it. */
  textsFor(language: string): { texts: ResponseTexts; fallback: string | null } {
    const tag = matchLocale(language, [...this.texts.keys()]);
    const texts = (tag && this.texts.get(tag)) || (this.texts.get('en') as ResponseTexts);
    if (tag) return { texts, fallback: null };
    const english = this.locales.get('en');
    const name = english ? languageName(language, english) : language;
    return { texts, fallback: name };
  }

  #page(
    language: string,
    district: DistrictProfile,
    parts: {
      title: (t: ResponseTexts) => string;
      paragraphs?: (t: ResponseTexts) => string[];
      status?: PageStatus;
      previous?: string | null;
      form?: object | null;
      documentsHref: string | null;
    },
  ): string {
    const { texts: t, fallback } = this.textsFor(language);
    const vars = { district: district.name, phone: district.phone, email: district.email };
    const lang = fallback === null ? t.locale : 'en';
    const own = this.locales.get(lang);
    return this.#template({
      lang,
      dir: own?.direction === 'rtl' ? 'rtl' : 'ltr',
      title: interpolate(parts.title(t), vars),
      fallback: fallback === null ? null : interpolate(t.fallback, { ...vars, language: fallback }),
      status: parts.status ?? null,
      paragraphs: (parts.paragraphs?.(t) ?? []).map((p) => interpolate(p, vars)),
      previous: parts.previous ?? null,
      form: parts.form ?? null,
      texts: t,
      documentsHref: parts.documentsHref,
      district: { name: district.name, phone: district.phone, email: district.email },
    });
  }

  /** The answer form (or the read-only or locked page, by the standing). */
  standing(s: Standing, state: FormState, token: string): string {
    const { texts: t } = this.textsFor(s.link.language);
    const up = state.at === 'code' ? '../../' : '../';
    // A session opened with a printed code opens no documents page (the letter carries them).
    const documentsHref = s.proof === 'letter' ? null : `${up}${encodeURIComponent(token)}`;
    const latest = s.answers.at(-1);
    const previous = latest
      ? interpolate(t.previous, {
          date: latest.signedAt.slice(0, 10),
          answer: t.answers[latest.response],
        })
      : null;
    if (!s.right.may) {
      const reason = s.right.reason;
      return this.#page(s.link.language, s.district, {
        title: (x) => x.title,
        paragraphs: (x) => [x.readOnly[reason]],
        documentsHref,
      });
    }
    if (s.code.lockedAt !== undefined)
      return this.#page(s.link.language, s.district, {
        title: (x) => x.title,
        status: { text: t.locked, alert: true },
        previous,
        documentsHref,
      });
    return this.#page(s.link.language, s.district, {
      title: (x) => x.title,
      paragraphs: (x) => [x.intro],
      ...(state.status ? { status: state.status } : {}),
      previous,
      form: this.#formView(s, state, t),
      documentsHref,
    });
  }

  #formView(s: Standing, state: FormState, t: ResponseTexts) {
    const values = state.values ?? {};
    const chosen = new Set(values.except ?? []);
    const names = new Map(s.decision.iep.services.map((svc) => [svc.serviceId, svc.name]));
    const vars = { district: s.district.name, phone: s.district.phone, email: s.district.email };
    const errors: Record<string, string> = {};
    for (const p of state.problems ?? []) {
      if (p.field === 'except')
        errors.except =
          t.errors.except[p.problem as keyof typeof t.errors.except] ?? t.errors.except.unknown;
      else errors[p.field] = t.errors[p.field];
    }
    return {
      csrf: state.csrf,
      // Relative, so a stage prefix or custom domain path is kept.
      action: state.at === 'code' ? '../respond' : 'respond',
      codeAction: state.at === 'code' ? 'code' : 'respond/code',
      answers: responseAnswers.map((value: ResponseAnswer) => ({
        value,
        label: t.answers[value],
        checked: values.response === value,
      })),
      items: [
        ...s.offer.serviceIds.map((id) => ({
          value: id,
          label: interpolate(t.serviceItem, { name: names.get(id) ?? id }),
          checked: chosen.has(id),
        })),
        ...s.offer.sectionIds.map((id) => ({
          value: id,
          label: t.sections[id as keyof typeof t.sections] ?? id,
          checked: chosen.has(id),
        })),
      ],
      message: values.message ?? '',
      signature: values.signature ?? '',
      emailCode: s.proof === 'email',
      // Read and kept on paper: the last disclosure (what is needed) says so (ESIGN 7001(c)(1)(C)).
      esignTexts: (s.proof === 'letter'
        ? [...t.esignTexts.slice(0, -1), t.letter.esignRequirements]
        : t.esignTexts
      ).map((p) => interpolate(p, vars)),
      errors: {
        response: errors.response ?? null,
        except: errors.except ?? null,
        message: errors.message ?? null,
        signature: errors.signature ?? null,
        esign: errors.esign ?? null,
      },
    };
  }

  /** The page after an answer was recorded. */
  recorded(s: Standing, signedOn: string, token: string): string {
    const t = this.textsFor(s.link.language).texts;
    const letter = s.proof === 'letter';
    return this.#page(s.link.language, s.district, {
      title: (x) => x.recordedTitle,
      status: {
        text: interpolate(letter ? t.letter.recorded : t.recorded, { date: signedOn }),
        alert: false,
      },
      documentsHref: letter ? null : `../${encodeURIComponent(token)}`,
    });
  }

  /** The languages the page speaks (for `/r`, which knows no recipient yet). */
  get languages(): string[] {
    return [...this.texts.keys()];
  }

  /**
   * The `/r` page: a printed code's entry form, in `language`; `invalid` is the one answer to
   * any code that opens nothing, `expired` a form without its CSRF token.
   */
  codeEntry(language: string, state: { csrf: string; alert?: 'invalid' | 'expired' }): string {
    const { texts: t } = this.textsFor(language);
    const alert = state.alert
      ? state.alert === 'invalid'
        ? t.letter.invalid
        : t.messages.pageExpired
      : null;
    return this.#codeTemplate({
      lang: t.locale,
      dir: this.locales.get(t.locale)?.direction === 'rtl' ? 'rtl' : 'ltr',
      texts: t.letter,
      csrf: state.csrf,
      alert,
    });
  }

  /** The page of a link whose version was superseded or withdrawn. */
  notInForce(district: DistrictProfile, language: string): string {
    return this.#page(language, district, {
      title: (t) => t.notInForceTitle,
      paragraphs: (t) => [t.notInForce],
      documentsHref: null,
    });
  }

  /** A status message in the page's language (`key` of `messages`), with its values. */
  message(
    language: string,
    key: keyof ResponseTexts['messages'],
    vars: Record<string, string | number>,
    district: DistrictProfile,
  ): string {
    const { texts } = this.textsFor(language);
    return interpolate(texts.messages[key], {
      district: district.name,
      phone: district.phone,
      ...vars,
    });
  }
}
