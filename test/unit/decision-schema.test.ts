import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { decisionJsonSchema } from '../../functions/core/json-schema.ts';
import { checkDecision, parseJson } from '../../functions/core/validate.ts';
import { rawSample } from '../fixtures/decisions.ts';

const SAMPLES = ['annual-grade4-en', 'transition-es', 'amendment-en'];

describe('the decision schema (schemaVersion 1)', () => {
  it('accepts the version-2 sample as it is', () => {
    expect(checkDecision(rawSample('amendment-written-v2-en'))).toMatchObject({
      kind: 'checked',
      problems: [],
    });
  });

  it.each(SAMPLES)('accepts the sample decision %s as it is', (name) => {
    expect(checkDecision(rawSample(name))).toMatchObject({ kind: 'checked', problems: [] });
  });

  it('names the path of each value of the wrong type, with indexes', () => {
    const raw = rawSample();
    raw.version = '1';
    raw.iep.goals[0].criteria = 42;
    raw.iep.services[1].frequency.minutes = 'thirty';
    raw.guardians[0].electronicNoticeConsent.given = 'yes';

    const result = checkDecision(raw);

    expect(result.kind).toBe('invalid');
    expect(result.problems.map((p) => p.path).sort()).toEqual(
      [
        'guardians[0].electronicNoticeConsent.given',
        'iep.goals[0].criteria',
        'iep.services[1].frequency.minutes',
        'version',
      ].sort(),
    );
  });

  it('says a missing required field is required', () => {
    const raw = rawSample();
    delete raw.student.dateOfBirth;
    expect(checkDecision(raw).problems).toEqual([
      { path: 'student.dateOfBirth', message: 'required' },
    ]);
  });

  it('rejects an unknown schemaVersion, saying which one it reads', () => {
    const raw = rawSample();
    raw.schemaVersion = 3;
    expect(checkDecision(raw).problems).toEqual([
      {
        path: 'schemaVersion',
        message: 'unsupported schemaVersion: this deployment reads schemaVersion 1 and 2',
      },
    ]);
  });

  it('reports a misspelt field rather than ignoring it', () => {
    const raw = rawSample();
    raw.iep.transferOfRight = { ageOfMajority: 18, informedOn: '2026-11-20' };
    expect(checkDecision(raw).problems).toEqual([
      { path: 'iep', message: 'unknown field transferOfRight (not in schemaVersion 1)' },
    ]);
  });

  it('rejects impossible dates and bad time zones', () => {
    const raw = rawSample();
    raw.meeting.date = '2027-02-29';
    raw.timeZone = 'America/Springfield';
    expect(
      checkDecision(raw)
        .problems.map((p) => p.path)
        .sort(),
    ).toEqual(['meeting.date', 'timeZone']);
  });

  it('requires finalizedAt on a finalized decision, not on a draft', () => {
    const finalized = rawSample();
    delete finalized.finalizedAt;
    const draft = rawSample();
    delete draft.finalizedAt;
    draft.status = 'draft';
    expect(checkDecision(finalized).problems).toEqual([
      { path: 'finalizedAt', message: 'required when status is finalized' },
    ]);
    expect(checkDecision(draft).kind).toBe('checked');
  });

  it('rejects duplicated guardian, goal and service ids', () => {
    const raw = rawSample();
    raw.guardians[1].guardianId = raw.guardians[0].guardianId;
    raw.iep.goals[1].goalId = raw.iep.goals[0].goalId;
    expect(
      checkDecision(raw)
        .problems.map((p) => p.path)
        .sort(),
    ).toEqual(['guardians[1].guardianId', 'iep.goals[1].goalId']);
  });

  it('bounds text by what a DynamoDB item can hold, no lower', () => {
    const raw = rawSample();
    raw.iep.presentLevels.academic = 'x'.repeat(22_000);
    expect(checkDecision(raw).problems).toEqual([]);
    raw.iep.presentLevels.academic = 'x'.repeat(420_000);
    expect(checkDecision(raw).problems).toEqual([
      { path: '(decision)', message: expect.stringContaining('at most 400 KB') },
    ]);
  });

  it('reports text that is not JSON at (file), with the parser message', () => {
    const result = parseJson('{ "schemaVersion": 1, ');
    expect(result).toEqual({
      problems: [{ path: '(file)', message: expect.stringMatching(/^not valid JSON: /) }],
    });
  });

  it('rejects JSON that is not an object', () => {
    expect(checkDecision([1, 2]).problems).toEqual([
      { path: '(decision)', message: 'expected a JSON object' },
    ]);
  });
});

/** The committed JSON Schema of a version. */
const committed = (version: 1 | 2) =>
  JSON.parse(
    readFileSync(
      new URL(`../../schema/meeting-decision.v${version}.schema.json`, import.meta.url),
      'utf8',
    ),
  );

/** The sample files of each version (the v2 sample is an amendment without a meeting). */
const BY_VERSION = { 1: SAMPLES, 2: ['amendment-written-v2-en'] } as const;

describe.each([1, 2] as const)('the published JSON Schema of version %i', (version) => {
  const compile = () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    return ajv.compile(committed(version));
  };

  it('is the one generated from the schema (run `npm run schema` after changing it)', () => {
    expect(committed(version)).toEqual(decisionJsonSchema(version));
  });

  it.each(BY_VERSION[version])(
    'accepts the sample decision %s with an independent validator',
    (name) => {
      const validate = compile();
      expect(validate(rawSample(name)), JSON.stringify(validate.errors)).toBe(true);
    },
  );

  it('rejects a decision with a wrong type with an independent validator', () => {
    const raw = rawSample(BY_VERSION[version][0]);
    raw.iep.goals[0].criteria = 42;
    expect(compile()(raw)).toBe(false);
  });

  it('rejects the other version with an independent validator', () => {
    const raw = rawSample(BY_VERSION[version === 1 ? 2 : 1][0]);
    expect(compile()(raw)).toBe(false);
  });
});
