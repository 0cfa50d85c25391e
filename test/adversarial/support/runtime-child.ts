/**
 * Runs the one-machine runtime (`bin/iep-local.mjs --once --json`) as a child process, with
 * its state in a folder of the test's own, optionally with a failpoint or a kill from outside.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../bin/iep-local.mjs', import.meta.url));

/** The `--json` summary, the parts the suite reads. */
export interface RuntimeSummary {
  decisions: {
    file: string;
    decisionId: string;
    version: number;
    outcome: string;
    reason?: string;
    problems: { path: string; message: string }[];
    documents: { documentId: string; s3Key: string; sha256: string; state: string }[];
    deliveries?: { recipientId: string; channel: string; state: string }[];
  }[];
  inputErrors: { file: string; message: string }[];
  counts: Record<string, number>;
}

/** How one run ended. */
export interface RuntimeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Parsed when the run printed its summary. */
  summary?: RuntimeSummary;
}

/** A work folder: decisions/ for input files, state/ for IEP_STATE_DIR, out/ for copies. */
export function workFolder(prefix = 'iep-adv-'): {
  root: string;
  decisions: string;
  state: string;
  out: string;
} {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const folder = {
    root,
    decisions: join(root, 'decisions'),
    state: join(root, 'state'),
    out: join(root, 'out'),
  };
  mkdirSync(folder.decisions);
  return folder;
}

/** Writes decision files (objects as JSON, strings as they are) into `dir`. */
export function writeDecisionFiles(dir: string, files: Record<string, unknown>): void {
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(
      join(dir, name),
      typeof content === 'string' ? content : JSON.stringify(content, null, 2),
    );
  }
}

/** Options of {@link runRuntime}. */
export interface RunOptions {
  folder: { decisions: string; state: string; out: string };
  env?: Record<string, string>;
  fresh?: boolean;
  /** SIGKILL the runtime from outside after this many ms (a crash at a random point). */
  killAfterMs?: number;
  timeoutMs?: number;
  /** Run as of this date (`--today`): the compliance sweep sends what is due then. */
  today?: string;
}

/** Runs the runtime once to completion (or to its death). */
export function runRuntime(options: RunOptions): Promise<RuntimeRun> {
  const { folder } = options;
  const args = [
    BIN,
    '--once',
    '--json',
    '--decisions',
    join(folder.decisions, '*.json'),
    '--out',
    folder.out,
    ...(options.fresh ? ['--fresh'] : []),
    ...(options.today ? ['--today', options.today] : []),
  ];
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      IEP_STATE_DIR: folder.state,
      IEP_FAILPOINT: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const timers = [
    options.killAfterMs === undefined
      ? undefined
      : setTimeout(() => child.kill('SIGKILL'), options.killAfterMs),
    setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000),
  ];
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      for (const timer of timers) clearTimeout(timer);
      let summary: RuntimeSummary | undefined;
      try {
        summary = code === 0 ? (JSON.parse(stdout) as RuntimeSummary) : undefined;
      } catch {
        summary = undefined;
      }
      resolve({ code, signal, stdout, stderr, summary });
    });
  });
}
