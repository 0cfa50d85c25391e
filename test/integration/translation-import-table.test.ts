/**
 * `iep-docs translation import … --table NAME`: the translation office's checked item lands in
 * the translations table (DynamoDB Local), keyed `<version>#<language>`, where rendering and the
 * table's stream read it; a rejected file writes nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { DynamoTranslations } from '../../functions/adapters/dynamo-translations.ts';
import { translationCommand } from '../../functions/cli/translation.ts';
import { exportXliff, XLIFF_NS } from '../../functions/cli/xliff.ts';
import { SAMPLES_DIR, sampleDecision } from '../fixtures/decisions.ts';
import { testEnvironment } from '../support/environment.ts';

/** A translator's tool: a `<target>` in every segment. */
function translate(xml: string): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  for (const segment of Array.from(doc.getElementsByTagNameNS(XLIFF_NS, 'segment'))) {
    const target = doc.createElementNS(XLIFF_NS, 'target');
    target.textContent = `ES: ${segment.getElementsByTagNameNS(XLIFF_NS, 'source')[0]?.textContent ?? ''}`;
    segment.appendChild(target);
  }
  return new XMLSerializer().serializeToString(doc);
}

describe('translation import --table', () => {
  it('writes the checked item into the translations table, and nothing for a rejected file', async () => {
    const env = await testEnvironment();
    const table = env.names.tables.translations;
    const file = join(SAMPLES_DIR.pathname, 'transition-es.json');
    const decision = sampleDecision('transition-es');
    const dir = mkdtempSync(join(tmpdir(), 'xlf-'));
    const good = join(dir, 'good.xlf');
    writeFileSync(good, translate(exportXliff(decision, 'es')));
    const bad = join(dir, 'bad.xlf');
    writeFileSync(bad, exportXliff(decision, 'es'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l), env: {} };
    const run = (xlf: string) =>
      translationCommand(['import', file, xlf, '--language', 'es', '--table', table], io, {
        db: env.clients.documents,
      });
    const translations = new DynamoTranslations(env.clients.documents, table);

    try {
      expect(await run(bad)).toBe(2);
      expect(await translations.forVersion(decision.decisionId, decision.version)).toEqual([]);

      expect(await run(good), err.join('\n')).toBe(0);

      expect(out).toEqual([`wrote the es translation of sample-0002 v1 into ${table}`]);
      const [item] = await translations.forVersion(decision.decisionId, decision.version);
      expect(item).toMatchObject({
        kind: 'translation',
        decisionId: decision.decisionId,
        version: decision.version,
        language: 'es',
        translationKey: `${decision.version}#es`,
      });
      expect(item?.texts['iep.presentLevels.academic']).toBe(
        `ES: ${decision.iep.presentLevels.academic}`,
      );
      expect(await translations.forVersion(decision.decisionId, decision.version + 1)).toEqual([]);
    } finally {
      env.clients.destroy();
    }
  });
});
