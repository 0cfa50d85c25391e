/**
 * The state rules through the command line: the state is the district profile's, read from
 * the folder `IEP_DISTRICTS_DIR` names (issue 15's acceptance).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DISTRICTS_DIR } from '../../functions/adapters/district-files.ts';
import type { CalendarJson } from '../../functions/cli/calendar.ts';
import { runCli } from '../../functions/cli/main.ts';
import { rawSample } from '../fixtures/decisions.ts';
import { v2Sample } from './law-support.ts';

/** A districts folder holding the example district, in `state`. */
function districtsIn(state: string): string {
  const dir = mkdtempSync(join(tmpdir(), `iep-districts-${state}-`));
  const profile = JSON.parse(readFileSync(join(DEFAULT_DISTRICTS_DIR, 'example-usd.json'), 'utf8'));
  writeFileSync(join(dir, 'example-usd.json'), JSON.stringify({ ...profile, state }));
  return dir;
}

function decisionFile(raw: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'iep-law-')), 'decision.json');
  writeFileSync(file, JSON.stringify(raw));
  return file;
}

async function cli(argv: string[], env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    env,
  });
  return { code, out, err };
}

describe('the state of the district profile, from IEP_DISTRICTS_DIR', () => {
  it('rejects a New York decision for a 15-year-old without a transition plan, naming both rules', async () => {
    const raw = v2Sample();
    raw.student.dateOfBirth = '2012-03-01'; // 15 on 2027-03-01, within the IEP
    const file = decisionFile(raw);

    const ny = await cli(['validate', file], { IEP_DISTRICTS_DIR: districtsIn('NY') });
    const ca = await cli(['validate', file], { IEP_DISTRICTS_DIR: districtsIn('CA') });

    expect(ny.code).toBe(2);
    expect(ny.err).toEqual([
      expect.stringMatching(
        /iep\.transition: a transition plan is required: the student turns 15 on 2027-03-01, within this IEP \(NY: 8 NYCRR 200\.4\(d\)\(2\)\(ix\)\) \(34 CFR 300\.320\(b\)\)$/,
      ),
    ]);
    expect(ca.code).toBe(0);
  });

  it('gives the 19th birthday of an Alabama student in the calendar', async () => {
    const raw = rawSample('transition-es');
    raw.student.dateOfBirth = '2008-03-01'; // 19 on 2027-03-01, within the IEP's year
    raw.iep.transferOfRights = { ageOfMajority: 18, informedOn: '2026-11-19' };
    const file = decisionFile(raw);

    const al = await cli(['calendar', file, '--json'], { IEP_DISTRICTS_DIR: districtsIn('AL') });

    expect(al.code).toBe(0);
    const doc = JSON.parse(al.out.join('\n')) as CalendarJson;
    expect(doc.decisions[0]?.entries.find((e) => e.entry === 'majority')).toMatchObject({
      dueDate: '2027-03-01',
      noticeDate: '2026-03-01',
      ageOfMajority: 19,
    });
  });
});
