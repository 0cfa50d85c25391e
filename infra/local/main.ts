/**
 * `npm start`: the pipeline on one machine. Writes decisions into the local decisions
 * table, lets the stream drive the real handler, and prints what became of each.
 * Exit 0 when the run reached its end with every decision accounted for; non-zero only
 * when the runtime itself failed (3: bad usage; 4: something it needs is missing or broke).
 */
import { existsSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { glob } from 'tinyglobby';
import { stateDir as projectStateDir } from '../../functions/cli/context.ts';
import { describeProblem } from '../../functions/core/problems.ts';
import type { Log } from '../../functions/pipeline/ports.ts';
import { errorChain } from './error-chain.ts';
import { keepDelivering } from './keep-delivering.ts';
import { jsonLog, parseLogLevel } from './log.ts';
import { DEFAULT_DECISIONS, readArgs } from './run-args.ts';
import {
  type InputError,
  LocalRuntime,
  type SummaryDecision,
  type SweepReport,
} from './runtime.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The summary's counts: written = documentsReady + calendarClosed + rejected + skipped + deadLettered + pending when nothing is lost. */
function countsOf(decisions: SummaryDecision[]) {
  const count = (o: string) => decisions.filter((d) => d.outcome === o).length;
  return {
    written: decisions.length,
    documentsReady: count('documents-ready'),
    calendarClosed: count('calendar-closed'),
    rejected: count('rejected'),
    skipped: count('skipped'),
    deadLettered: count('dead-lettered'),
    pending: count('pending'),
  };
}

/** A delivery as JSON; with --once its link is null (the download server is gone at exit). */
function deliveryJson(v: SummaryDecision['deliveries'][number], once: boolean) {
  return {
    recipientId: v.recipientId,
    channel: v.channel,
    language: v.language,
    subject: v.subject,
    link: once ? null : v.link,
    state: v.state,
    ...(v.printedCode && !once ? { printedCode: v.printedCode } : {}),
    ...(v.postalKey ? { postalKey: v.postalKey } : {}),
    ...(v.postalUri ? { postalUri: v.postalUri } : {}),
    ...(v.localPath ? { localPath: v.localPath } : {}),
    ...(v.notes?.length ? { notes: v.notes } : {}),
    ...(v.safeguards ? { safeguards: v.safeguards } : {}),
  };
}

export interface RunExtras {
  /** With --once the emulators stop at exit: no address of theirs is printed. */
  once: boolean;
  mailbox: string;
  downloadBaseUrl: string;
  /** The "Is this copy genuine?" page: `${downloadBaseUrl}/verify`. */
  verifyUrl: string;
  sweep: SweepReport;
}

export function jsonSummary(
  decisions: SummaryDecision[],
  inputErrors: InputError[],
  extras: RunExtras,
) {
  return {
    decisions: decisions.map((d) => ({
      file: d.file,
      decisionId: d.decisionId,
      version: d.version,
      outcome: d.outcome,
      ...(d.reason ? { reason: d.reason } : {}),
      problems: d.problems.map((p) => ({ path: p.path, message: p.message, cfr: p.cfr ?? null })),
      translationNeeded: d.translationNeeded,
      flags: d.flags.map((p) => ({ path: p.path, message: p.message, cfr: p.cfr ?? null })),
      translationPending: d.translationPending,
      inForce: d.inForce,
      ...(d.withdrawnAt ? { withdrawnAt: d.withdrawnAt } : {}),
      documents: d.documents.map((doc) => ({
        documentId: doc.documentId,
        type: doc.type,
        language: doc.language,
        s3Key: doc.s3Key,
        s3Uri: doc.s3Uri,
        sha256: doc.sha256,
        bytes: doc.bytes,
        pages: doc.pages,
        state: doc.state,
        localPath: doc.localPath,
        // The page answers as long as the document is stored; with --once its server is gone.
        verifyUrl: extras.once ? null : `${extras.verifyUrl}/${doc.documentId}`,
      })),
      deliveries: d.deliveries.map((v) => deliveryJson(v, extras.once)),
      notices: d.notices.map((v) => deliveryJson(v, extras.once)),
    })),
    inputErrors,
    counts: countsOf(decisions),
    mailbox: extras.once ? null : extras.mailbox,
    reminders: extras.sweep.reminders.map((r) => ({
      decisionId: r.decisionId,
      entry: r.entry,
      recipientId: r.recipientId,
      dueDate: r.dueDate,
      sendOn: r.sendOn,
      state: r.state,
    })),
    overdue: extras.sweep.overdue.map((o) => ({
      decisionId: o.decisionId,
      entry: o.entry,
      dueDate: o.dueDate,
    })),
    lateNotices: extras.sweep.lateNotices,
  };
}

/** One decision's lines: outcome, problems and flags, documents, deliveries and notices. */
function decisionLines(
  d: SummaryDecision,
  extras: RunExtras,
  rel: (p: string) => string,
): string[] {
  const lines: string[] = [];
  lines.push(
    `${d.decisionId} v${d.version}  ${d.outcome}${d.reason ? ` (${d.reason})` : ''}   [${rel(d.file)}]`,
  );
  for (const p of d.problems) lines.push(`    ✗ ${describeProblem(p)}`);
  for (const p of d.flags) lines.push(`    ! ${describeProblem(p)}`);
  for (const tag of d.translationNeeded)
    lines.push(`    ! translation needed: ${tag} (English documents produced)`);
  for (const tag of d.translationPending)
    lines.push(
      `    ! translation pending: ${tag} (English documents sent; the ${tag} documents follow when translated)`,
    );
  for (const doc of d.documents) {
    lines.push(
      `    ${doc.state === 'created' ? '+' : '='} ${doc.type}.${doc.language}  ${doc.pages} p.  ${doc.s3Uri}  →  ${rel(doc.localPath)}`,
    );
  }
  for (const v of [...d.deliveries, ...d.notices]) {
    const where =
      v.channel === 'email'
        ? extras.once
          ? ''
          : (v.link ?? 'link sent earlier')
        : `${v.postalUri ?? v.postalKey ?? ''}${v.localPath ? `  →  ${rel(v.localPath)}` : ''}${v.printedCode && !extras.once ? `  (answer at ${extras.downloadBaseUrl}/r with ${v.printedCode})` : ''}`;
    lines.push(
      `    → ${v.kind === 'decision-documents' ? 'documents' : 'notice'} to ${v.recipientId}: ${v.channel} (${v.language}) ${v.state}  ${where}`,
    );
    for (const note of v.notes ?? []) lines.push(`        ! ${note}`);
  }
  return lines;
}

/** The closing lines: the counts, and where the emails, links and verification page are. */
function totalLines(
  decisions: SummaryDecision[],
  inputErrors: InputError[],
  extras: RunExtras,
): string[] {
  const lines: string[] = [];
  const c = countsOf(decisions);
  const created = decisions
    .flatMap((d) => d.documents)
    .filter((doc) => doc.state === 'created').length;
  const unchanged = decisions.flatMap((d) => d.documents).length - created;
  lines.push('');
  lines.push(
    `${c.written} decision(s) written: ${c.documentsReady} documents-ready, ${c.calendarClosed ? `${c.calendarClosed} calendar-closed, ` : ''}${c.rejected} rejected, ${c.skipped} skipped, ${c.deadLettered} dead-lettered${c.pending ? `, ${c.pending} pending` : ''}; ${inputErrors.length} input error(s)`,
  );
  lines.push(
    `${created} document(s) created, ${unchanged} unchanged (already stored by an earlier run).`,
  );
  if (extras.once)
    lines.push(
      'Emails and download links live while the runtime runs: run without --once to read them.',
    );
  else
    lines.push(
      `Emails: ${extras.mailbox}   Download links: ${extras.downloadBaseUrl}/d/<token>`,
      `Verify: ${extras.verifyUrl}`,
    );
  return lines;
}

function textSummary(
  decisions: SummaryDecision[],
  inputErrors: InputError[],
  extras: RunExtras,
): string {
  const lines: string[] = [];
  const rel = (p: string) => relative(process.cwd(), p) || p;
  for (const d of decisions) lines.push(...decisionLines(d, extras, rel));
  for (const r of extras.sweep.reminders)
    lines.push(
      `reminder: ${r.decisionId} ${r.entry} due ${r.dueDate} → ${r.recipientId} (send on ${r.sendOn}): ${r.state}`,
    );
  for (const o of extras.sweep.overdue)
    lines.push(`OVERDUE: ${o.decisionId} ${o.entry} was due ${o.dueDate}`);
  for (const n of extras.sweep.lateNotices)
    lines.push(
      `LATE NOTICE: meeting ${n.meetingId} r${n.revision} on ${n.meetingDate}: noticed ${n.leadDays} day(s) before (minimum ${n.minimumDays}, ${n.cfr})`,
    );
  for (const e of inputErrors) lines.push(`input error: ${rel(e.file)}: ${e.message}`);
  lines.push(...totalLines(decisions, inputErrors, extras));
  return lines.join('\n');
}

/** Keeps the pipeline running (streams and delivery) until SIGINT or SIGTERM. */
async function serve(runtime: LocalRuntime, log: Log, say: (line: string) => void): Promise<void> {
  runtime.startStreams();
  const stopDelivering = keepDelivering(() => runtime.delivery.drain(), log);
  say(
    `ready: the pipeline is running on ${runtime.emulators.endpoints.dynamodb} (DynamoDB) and ${runtime.emulators.endpoints.s3} (S3); write to ${runtime.names.tables.decisions} (a translation to ${runtime.names.tables.translations}) to process more; download links are served on ${runtime.delivery.downloadBaseUrl}, the verification page on ${runtime.delivery.verifyUrl}, emails are at ${runtime.delivery.mailboxUrl}. Ctrl-C stops.`,
  );
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  say('stopping…');
  await stopDelivering();
}

/** Under `npm start --json`, npm's banner comes before the JSON on stdout: say how to avoid it. */
function warnOfNpmBanner(say: (line: string) => void): void {
  const byNpmStart = ['start', 'start:json'].includes(process.env.npm_lifecycle_event ?? '');
  if (byNpmStart && process.env.npm_config_loglevel !== 'silent')
    say(
      'iep-local: npm printed its "> iep-docs start" banner on stdout before this JSON; run `npm run -s start:json` (or `npx iep-local --json`) to get JSON alone',
    );
}

export async function main(argv: string[]): Promise<number> {
  const values = readArgs(argv);
  if (typeof values === 'number') return values;
  const { once, fresh, json, today } = values;
  const log = jsonLog(parseLogLevel(process.env.LOG_LEVEL, 'warn'), (line) =>
    process.stderr.write(`${line}\n`),
  );
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const stateDir = resolve(projectStateDir(process.env), 'runtime');
  const outDir = resolve(values.out ?? resolve(PROJECT_ROOT, 'out'));
  const pattern = values.decisions ?? resolve(PROJECT_ROOT, DEFAULT_DECISIONS);
  const files = (
    await glob(pattern, { absolute: true, onlyFiles: true, expandDirectories: false })
  ).sort();
  if (files.length === 0) {
    say(`iep-local: no decision files match ${pattern} (quote the glob: --decisions 'dir/*.json')`);
    return 3;
  }
  if (json) warnOfNpmBanner(say);
  if (fresh && existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });

  let runtime: LocalRuntime;
  say('starting DynamoDB Local, the S3 and SES emulators, and Chromium…');
  try {
    runtime = await LocalRuntime.start({ stateDir, outDir, fresh, log, today });
  } catch (error) {
    say(`iep-local: ${errorChain(error)}`);
    return 4;
  }
  try {
    const runStartedAt = new Date();
    const { written, inputErrors } = await runtime.writeDecisions(files);
    say(
      `wrote ${written.length} decision(s) into ${runtime.names.tables.decisions}; processing the stream…`,
    );
    await runtime.drain();
    const sweep = await runtime.sweep();
    const decisions = await runtime.summarize(written, runStartedAt);
    const extras = {
      once,
      mailbox: runtime.delivery.mailboxUrl,
      downloadBaseUrl: runtime.delivery.downloadBaseUrl,
      verifyUrl: runtime.delivery.verifyUrl,
      sweep,
    };
    const summary = json
      ? JSON.stringify(jsonSummary(decisions, inputErrors, extras), null, 2)
      : textSummary(decisions, inputErrors, extras);
    process.stdout.write(`${summary}\n`);
    if (once) return 0;

    await serve(runtime, log, say);
    return 0;
  } catch (error) {
    say(`iep-local: ${(error as Error).stack ?? error}`);
    return 4;
  } finally {
    await runtime.stop();
  }
}
