/** Decisions and documents for the tests of schemaVersion 2 and the state table. */
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import type { Decision } from '../../functions/core/decision.ts';
import type { DistrictProfile } from '../../functions/core/district.ts';
import { checkDecision } from '../../functions/core/validate.ts';
import { iepView } from '../../functions/render/iep-view.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import { compileTemplates } from '../../functions/render/templates.ts';
import { type DocumentContext, priorWrittenNoticeView } from '../../functions/render/view-model.ts';
import { rawSample } from '../fixtures/decisions.ts';

const templates = compileTemplates();
const locales = loadLocales();
const example = loadDistrictDirectory().get('example-usd');

/** The example district, in `state`. */
export function districtIn(state: string): DistrictProfile {
  return { ...example, state };
}

/** A version-1 sample written as version 2 (what a district migrating writes). */
export function v2Sample(name = 'annual-grade4-en'): Record<string, any> {
  const raw = rawSample(name);
  raw.schemaVersion = 2;
  for (const f of Object.values(raw.iep.specialFactors) as Record<string, unknown>[]) {
    f.applies = f.considered;
    delete f.considered;
  }
  if (raw.iep.transferOfRights) delete raw.iep.transferOfRights.ageOfMajority;
  for (const a of raw.meeting.attendees)
    if (a.excused === true)
      a.excused = { consentDate: raw.meeting.date, writtenInputReceived: true };
    else delete a.excused;
  return raw;
}

/** Schema and completeness under `state` (the district profile's). */
export function check(raw: unknown, state?: string) {
  return checkDecision(raw, state ? { state } : {});
}

/** A raw decision that must parse. */
export function parsed(raw: unknown): Decision {
  const checked = checkDecision(raw);
  if (checked.kind !== 'checked') throw new Error(JSON.stringify(checked.problems));
  return checked.decision;
}

/** The HTML of a document, its tags stripped to text (one space between words). */
export function documentText(
  decision: Decision,
  type: DocumentContext['type'] = 'iep',
  district: DistrictProfile = example,
  language = 'en',
): string {
  const ctx: DocumentContext = {
    decision,
    district,
    locale: locales.get(language)!,
    type,
    documentId: 'doc_test',
    draft: null,
    decisionTextLanguage: 'en',
  };
  const html = templates.documents[type]({
    ...(type === 'iep' ? iepView(ctx) : priorWrittenNoticeView(ctx)),
    styles: '',
    runningText: '',
  });
  return html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/[\u2068\u2069]/g, '')
    .replace(/\s+/g, ' ');
}
