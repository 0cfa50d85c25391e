/**
 * The parts of schemaVersion 2 that carry the parent's language (34 CFR 300.503(c)): the
 * translation of the decision's free text, per language, and the oral translations the
 * district gave where a written one was not (yet) available.
 */
import { z } from 'zod';
import { calendarDate, languageTag, list, priorWrittenNotice, text } from './decision.ts';

/**
 * `translations.<language>`: the translation of every free-text field, by the field's stable
 * id (`iep.goals.<goalId>.baseline`; list entries by their ids, as in the XLIFF export and the
 * translations item). Checked against the decision's fields by `checkTranslation`.
 */
export const translations = z
  .record(
    languageTag,
    z.record(z.string().min(1).max(300), text).meta({
      description:
        'Translated text by field id, e.g. "iep.presentLevels.academic", "iep.goals.<goalId>.baseline" (docs/meeting-decision.md).',
    }),
  )
  .optional()
  .meta({ description: "The decision's free text in other languages (34 CFR 300.503(c))." });

/** How an oral translation was given (300.503(c)(2)(i)). */
export const oralTranslationMethods = ['in-person', 'phone', 'video'] as const;

/**
 * An oral translation of the notice (300.503(c)(2)): into which language, by whom, when and
 * how; the notice states it, and the record is the written evidence of (c)(2)(iii).
 */
export const oralTranslation = z.strictObject({
  language: languageTag,
  by: z.string().min(1).max(200),
  on: calendarDate,
  method: z.enum(oralTranslationMethods),
});

/** The prior written notice of version 2: version 1's, and the oral translations given. */
export const priorWrittenNoticeV2 = priorWrittenNotice.extend({
  // Optional without a default: a version-1 item read as version 2 gains no field of its own.
  oralTranslations: list(oralTranslation).optional(),
});
