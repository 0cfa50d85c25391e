import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Files run side by side even on two cores (vitest's default there is one worker): much of
    // a file's time is spent waiting on Chromium, the emulators or a child process. Files are
    // isolated on the shared emulators (own tables, bucket, recipients: support/environment.ts)
    // and on disk (own temp dirs and state dirs for every runtime they start).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
