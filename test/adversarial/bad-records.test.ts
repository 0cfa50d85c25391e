/**
 * Bad records among good ones, through the one-machine runtime (files → decisions table →
 * stream → the real handler): each bad record ends rejected or dead-lettered with its reason,
 * or, when it cannot be a table item at all, is an input error; the worker never crashes and
 * the good records of the same batch complete.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawSample } from '../fixtures/decisions.ts';
import { recordFigure } from './support/figures.ts';
import {
  type RuntimeRun,
  runRuntime,
  workFolder,
  writeDecisionFiles,
} from './support/runtime-child.ts';

const PART = 'bad records';

/** A sample with a fresh id, changed by `change`. */
function variant(id: string, change: (raw: Record<string, any>) => void) {
  const raw = rawSample();
  raw.decisionId = id;
  change(raw);
  return raw;
}

/** File → how it must end, and a fragment its reason must contain. */
const EXPECTED: Record<string, { end: 'rejected' | 'input error'; reason: RegExp }> = {
  'not-json.json': { end: 'input error', reason: /not valid JSON/ },
  'empty.json': { end: 'input error', reason: /not valid JSON/ },
  'array.json': { end: 'input error', reason: /expected a JSON object/ },
  'no-key.json': { end: 'input error', reason: /decisionId/ },
  'version-as-text.json': { end: 'input error', reason: /version/ },
  'too-big-for-the-table.json': { end: 'input error', reason: /refused/ },
  'wrong-types.json': { end: 'rejected', reason: /englishLearner|meeting\.date/ },
  'schema-version-3.json': { end: 'rejected', reason: /schemaVersion/ },
  // A version-1 item labelled 2: its version-1 fields are named, not silently read.
  'version-1-as-2.json': { end: 'rejected', reason: /not in schemaVersion 2/ },
  'missing-fields.json': { end: 'rejected', reason: /required/ },
  'duplicate-guardian-ids.json': { end: 'rejected', reason: /duplicate guardianId/ },
  'duplicate-goal-ids.json': { end: 'rejected', reason: /duplicate goalId/ },
  'unknown-district.json': { end: 'rejected', reason: /no district profile/ },
  'unknown-field.json': { end: 'rejected', reason: /unknown field/ },
  // A `__proto__` key cannot even be marshalled into a DynamoDB item.
  'proto-key.json': { end: 'input error', reason: /refused/ },
  'same-key-again.json': { end: 'input error', reason: /also in/ },
};

describe('bad records in the same batch as good ones', () => {
  const folder = workFolder('iep-adv-bad-');
  let run: RuntimeRun;

  beforeAll(async () => {
    const good = ['annual-grade4-en', 'transition-es', 'amendment-en'].map((name) => {
      const raw = rawSample(name);
      raw.decisionId = `good-${name}`;
      return raw;
    });
    writeDecisionFiles(folder.decisions, {
      'good-1.json': good[0],
      'good-2.json': good[1],
      'good-3.json': good[2],
      'not-json.json': '{ "decisionId": "broken", "version": 1, ',
      'empty.json': '',
      'array.json': [rawSample()],
      'no-key.json': variant('no-key', (r) => {
        delete r.decisionId;
      }),
      'version-as-text.json': variant('version-text', (r) => {
        r.version = '1';
      }),
      'too-big-for-the-table.json': variant('too-big', (r) => {
        r.iep.presentLevels.academic = 'y'.repeat(450_000);
      }),
      'wrong-types.json': variant('wrong-types', (r) => {
        r.student.englishLearner = 'yes';
        r.meeting.date = 20261120;
      }),
      'schema-version-3.json': variant('schema-3', (r) => {
        r.schemaVersion = 3;
      }),
      'version-1-as-2.json': variant('v1-as-2', (r) => {
        r.schemaVersion = 2;
      }),
      'missing-fields.json': variant('missing', (r) => {
        delete r.student.dateOfBirth;
        delete r.iep.goals;
      }),
      'duplicate-guardian-ids.json': variant('dup-guardians', (r) => {
        r.guardians[1].guardianId = r.guardians[0].guardianId;
      }),
      'duplicate-goal-ids.json': variant('dup-goals', (r) => {
        r.iep.goals[1].goalId = r.iep.goals[0].goalId;
      }),
      'unknown-district.json': variant('no-district', (r) => {
        r.districtId = 'nowhere-usd';
      }),
      'unknown-field.json': variant('unknown-field', (r) => {
        r.student.socialSecurityNumber = '000-00-0000';
      }),
      'proto-key.json': JSON.stringify(variant('proto-key', () => undefined)).replace(
        '"student":{',
        '"student":{"__proto__":{"polluted":"yes"},',
      ),
      // Sorted after good-1.json: the same decisionId and version again.
      'same-key-again.json': {
        ...(good[0] as object),
        iep: { ...good[0]?.iep, progressReporting: 'changed' },
      },
    });
    run = await runRuntime({ folder, fresh: true, env: { LOG_LEVEL: 'info' } });
  });

  afterAll(() => {
    rmSync(folder.root, { recursive: true, force: true });
  });

  it('ends every record with its reason, never crashes, and completes the good ones', () => {
    // Assess
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const summary = run.summary;
    if (!summary) throw new Error('no summary');
    const byFile = new Map(summary.decisions.map((d) => [d.file.split('/').pop() ?? '', d]));
    const errors = new Map(summary.inputErrors.map((e) => [e.file.split('/').pop() ?? '', e]));
    const wrong: string[] = [];
    for (const [file, expected] of Object.entries(EXPECTED)) {
      if (expected.end === 'input error') {
        const error = errors.get(file);
        if (!error || !expected.reason.test(error.message))
          wrong.push(`${file}: ${JSON.stringify(error)}`);
        continue;
      }
      const decision = byFile.get(file);
      const reasons = `${decision?.reason ?? ''} ${JSON.stringify(decision?.problems ?? [])}`;
      if (decision?.outcome !== 'rejected' || !expected.reason.test(reasons)) {
        wrong.push(`${file}: ${decision?.outcome} ${reasons.slice(0, 300)}`);
      }
    }
    const goodReady = ['good-1.json', 'good-2.json', 'good-3.json'].filter(
      (file) => byFile.get(file)?.outcome === 'documents-ready',
    ).length;
    const c = summary.counts;
    const unaccounted =
      (c.written ?? 0) -
      ((c.documentsReady ?? 0) + (c.rejected ?? 0) + (c.skipped ?? 0) + (c.deadLettered ?? 0));
    recordFigure({
      name: 'bad records not ended with their reason',
      value: wrong.length,
      equals: 0,
      part: PART,
    });
    recordFigure({
      name: 'good records of the same batch completed',
      value: goodReady,
      equals: 3,
      part: PART,
    });
    recordFigure({
      name: 'worker crashes (non-zero exit)',
      value: run.code === 0 ? 0 : 1,
      equals: 0,
      part: PART,
    });
    recordFigure({
      name: 'records written but not accounted for',
      value: unaccounted,
      equals: 0,
      part: PART,
    });
    expect(wrong).toEqual([]);
    expect(goodReady).toBe(3);
    expect(unaccounted).toBe(0);
    expect(c.pending).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
