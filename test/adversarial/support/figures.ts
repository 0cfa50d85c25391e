/**
 * The suite's figures: each test records what it measured and the value required; the figures
 * reporter (vitest.adversarial.config.ts) prints them all at the end and fails the run when one
 * is off. Outside that config (plain `npm test`) the tests' own assertions are what counts.
 */
import { appendFileSync } from 'node:fs';

/** One measured figure. */
export interface Figure {
  /** What was counted, e.g. "requests that reached a canary server". */
  name: string;
  value: number;
  /** The required value (the figure passes when equal). */
  equals?: number;
  /** The least acceptable value (the figure passes when at least this). */
  atLeast?: number;
  /** Which part of the suite measured it. */
  part: string;
}

/** Where figures go: set by the adversarial config for its test processes. */
export const FIGURES_FILE_ENV = 'IEP_ADVERSARIAL_FIGURES';

/** True when the figure has its required value. */
export function figurePasses(figure: Figure): boolean {
  if (figure.equals !== undefined && figure.value !== figure.equals) return false;
  if (figure.atLeast !== undefined && !(figure.value >= figure.atLeast)) return false;
  return Number.isFinite(figure.value);
}

/** Records a figure for the end-of-run summary (no-op outside the adversarial config). */
export function recordFigure(figure: Figure): void {
  const file = process.env[FIGURES_FILE_ENV];
  if (file) appendFileSync(file, `${JSON.stringify(figure)}\n`);
}
