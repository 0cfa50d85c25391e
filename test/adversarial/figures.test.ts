import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { figurePasses } from './support/figures.ts';
import { FiguresReporter } from './support/figures-reporter.ts';

describe('the figures summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iep-adv-figures-'));
  const exitCode = process.exitCode;
  afterEach(() => {
    process.exitCode = exitCode;
    vi.restoreAllMocks();
  });

  it('passes a figure only at its required value', () => {
    // Act
    const verdicts = [
      figurePasses({ name: 'a', part: 'p', value: 0, equals: 0 }),
      figurePasses({ name: 'b', part: 'p', value: 1, equals: 0 }),
      figurePasses({ name: 'c', part: 'p', value: 200, atLeast: 200 }),
      figurePasses({ name: 'd', part: 'p', value: 199, atLeast: 200 }),
      figurePasses({ name: 'e', part: 'p', value: Number.NaN, atLeast: 0 }),
    ];

    // Assess
    expect(verdicts).toEqual([true, false, true, false, false]);
  });

  it('prints every figure and fails the run when one is off', () => {
    // Prepare
    const file = join(dir, 'figures.jsonl');
    const reporter = new FiguresReporter(file);
    reporter.onInit();
    writeFileSync(
      file,
      `${JSON.stringify({ name: 'leaks', part: 'p', value: 0, equals: 0 })}\n${JSON.stringify({ name: 'lost', part: 'p', value: 2, equals: 0 })}\n`,
    );
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });

    // Act
    reporter.onTestRunEnd();
    const code = process.exitCode;
    process.exitCode = exitCode;

    // Assess
    expect(printed.join('')).toContain('ok   [p] leaks: 0 (must be 0)');
    expect(printed.join('')).toContain('FAIL [p] lost: 2 (must be 0)');
    expect(code).toBe(1);
    rmSync(dir, { recursive: true, force: true });
  });
});
