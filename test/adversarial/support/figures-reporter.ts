/**
 * Prints the adversarial suite's figures at the end of the run, one line each with its required
 * value, and makes the run fail when a figure is off or when no figure was recorded at all.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { Reporter } from 'vitest/node';
import { type Figure, figurePasses } from './figures.ts';

export class FiguresReporter implements Reporter {
  constructor(private readonly file: string) {}

  onInit(): void {
    rmSync(this.file, { force: true });
  }

  onTestRunEnd(): void {
    const figures: Figure[] = existsSync(this.file)
      ? readFileSync(this.file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Figure)
      : [];
    const lines = ['', 'Adversarial figures:'];
    for (const figure of figures) {
      const required =
        figure.equals !== undefined ? `must be ${figure.equals}` : `must be ≥ ${figure.atLeast}`;
      const mark = figurePasses(figure) ? 'ok  ' : 'FAIL';
      lines.push(`  ${mark} [${figure.part}] ${figure.name}: ${figure.value} (${required})`);
    }
    const failed = figures.filter((f) => !figurePasses(f)).length;
    if (figures.length === 0) lines.push('  FAIL no figure was recorded');
    lines.push(
      `${figures.length} figure(s), ${failed} not at the required value${failed || figures.length === 0 ? ': FAILED' : ''}`,
      '',
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    if (failed > 0 || figures.length === 0) process.exitCode = 1;
  }
}
