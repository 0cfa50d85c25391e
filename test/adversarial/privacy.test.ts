/**
 * Privacy of the logs: the whole local pipeline runs on the sample decisions with debug
 * logging, and every line it writes (stderr: JSON log lines and the runtime's own lines) is
 * searched for each student's and guardian's name, birth date (ISO and formatted), email,
 * student id and address.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../fixtures/decisions.ts';
import { recordFigure } from './support/figures.ts';
import {
  type RuntimeRun,
  runRuntime,
  workFolder,
  writeDecisionFiles,
} from './support/runtime-child.ts';

const PART = 'privacy';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A whole-word, exact match (a name inside a longer word is not a hit). */
const word = (text: string) =>
  new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(text)}(?![\\p{L}\\p{N}])`, 'u');

/** Every way a birth date may be written. */
function dateForms(iso: string): string[] {
  const [y, m, d] = iso.split('-');
  const date = new Date(`${iso}T12:00:00Z`);
  const long = (locale: string) =>
    new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  return [
    iso,
    `${m}/${d}/${y}`,
    `${Number(m)}/${Number(d)}/${y}`,
    `${d}/${m}/${y}`,
    `${y}/${m}/${d}`,
    `${y}${m}${d}`,
    ...['en-US', 'es', 'vi', 'zh', 'ar', 'ko'].map(long),
  ];
}

/** The personal details of every sample decision, as patterns to look for. */
function personalDetails(raw: Record<string, any>): { what: string; pattern: RegExp }[] {
  const found: { what: string; pattern: RegExp }[] = [];
  const add = (what: string, text: string | undefined) => {
    if (text && text.trim().length >= 3) found.push({ what, pattern: word(text) });
  };
  const s = raw.student;
  add('student first name', s.firstName);
  add('student last name', s.lastName);
  add('student name', `${s.firstName} ${s.lastName}`);
  add('student id', s.studentId);
  for (const form of dateForms(s.dateOfBirth)) add('birth date', form);
  add('student email', s.contact?.email);
  for (const g of raw.guardians) {
    add('guardian name', g.name);
    for (const part of String(g.name).split(' ')) add('guardian name part', part);
    add('guardian email', g.email);
    add('address line', g.postalAddress.line1);
    add('address line 2', g.postalAddress.line2);
    add('postal code', g.postalAddress.postalCode);
  }
  return found;
}

describe('logs at debug level', () => {
  const folder = workFolder('iep-adv-privacy-');
  let run: RuntimeRun;
  let samples: Record<string, any>[];

  beforeAll(async () => {
    const names = readdirSync(SAMPLES_DIR).filter((f) => f.endsWith('.json'));
    samples = names.map((name) => JSON.parse(readFileSync(new URL(name, SAMPLES_DIR), 'utf8')));
    writeDecisionFiles(folder.decisions, Object.fromEntries(names.map((n, i) => [n, samples[i]])));
    run = await runRuntime({ folder, fresh: true, env: { LOG_LEVEL: 'debug' } });
  });

  afterAll(() => {
    rmSync(folder.root, { recursive: true, force: true });
  });

  it('hold no name, birth date, email, student id or address of a student or guardian', () => {
    // Prepare
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const lines = run.stderr.split('\n').filter(Boolean);
    const details = samples.flatMap(personalDetails);

    // Act
    const hits = lines.flatMap((line) =>
      details.filter((d) => d.pattern.test(line)).map((d) => `${d.what} in: ${line.slice(0, 200)}`),
    );

    // Assess (the control: the same patterns do find the details in the decisions themselves)
    const control = details.filter((d) => d.pattern.test(JSON.stringify(samples))).length;
    expect(control).toBeGreaterThanOrEqual(samples.length * 4);
    recordFigure({ name: 'log lines searched', value: lines.length, atLeast: 5, part: PART });
    recordFigure({
      name: 'personal details in log lines',
      value: hits.length,
      equals: 0,
      part: PART,
    });
    expect(run.summary?.counts.documentsReady).toBe(samples.length);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(hits).toEqual([]);
  });
});
