/**
 * `npm run test:adversarial`: the adversarial suite, with its full (slow) crash campaign, and a
 * summary of its figures at the end (exit non-zero when any figure is off).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';
import { FIGURES_FILE_ENV } from './test/adversarial/support/figures.ts';
import { FiguresReporter } from './test/adversarial/support/figures-reporter.ts';

const figuresFile = join(tmpdir(), `iep-adversarial-figures-${process.pid}.jsonl`);

export default defineConfig({
  test: {
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      [FIGURES_FILE_ENV]: figuresFile,
      IEP_ADVERSARIAL_FULL: '1',
    },
    // The byte-flip test of the signature itself flips every byte only here (LARGE_REGION_STRIDE).
    include: ['test/adversarial/**/*.test.ts', 'test/unit/signing/tamper.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 900_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', new FiguresReporter(figuresFile)],
  },
});
