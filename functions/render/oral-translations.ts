/**
 * The oral translations of a prior written notice, as the notice states them: where a written
 * translation was not available, the district translated it orally, and says into which
 * language, by whom, when and how (34 CFR 300.503(c)(2)(i), (iii): the written evidence).
 */
import { formatDate, languageName, localize } from './locales.ts';
import type { DocumentContext } from './view-model.ts';

/** One sentence per oral translation recorded on the decision, in the document's language. */
export function oralTranslations(ctx: DocumentContext): string[] {
  const t = ctx.locale;
  return (ctx.decision.priorWrittenNotice.oralTranslations ?? []).map((o) =>
    localize(t, t.pwn.oralTranslation, {
      language: languageName(o.language, t),
      by: o.by,
      date: formatDate(o.on, t),
      method: t.pwn.oralTranslationMethods[o.method],
    }),
  );
}
