/**
 * `npm start`: the pipeline on one machine. Writes decisions into the local decisions
 * table, lets the stream drive the real handler, and prints what became of each.
 * Exit 0 when the run reached its end with every decision accounted for; non-zero only
 * when the runtime itself failed (3: bad usage; 4: something it needs is missing or broke).
 */
import { existsSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { glob } from 'tinyglobby';
import { stateDir as projectStateDir } from '../../functions/cli/context.ts';
import { isCalendarDate } from '../../functions/core/dates.ts';
import { describeProblem } from '../../functions/core/problems.ts';
import { errorChain } from './error-chain.ts';
import { keepDelivering } from './keep-delivering.ts';
import { jsonLog, parseLogLevel } from './log.ts';
import {
  type InputError,
  LocalRuntime,
  type SummaryDecision,
  type SweepReport,
} from './runtime.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_DECISIONS = 'samples/decisions/*.json';

const USAGE = `usage: npm start -- [--decisions GLOB] [--once] [--fresh] [--json] [--out DIR] [--today YYYY-MM-DD]

  --decisions GLOB  decision files to write into the decisions table (default: ${DEFAULT_DECISIONS})
  --once            exit when every decision is processed (default: keep running until Ctrl-C)
  --fresh           start from empty tables and bucket (state lives in .local/)
  --json            print the summary as one JSON document on stdout (logs go to stderr)
  --out DIR         where local copies of the documents go (default: out/)
  --today DATE      run the daily compliance sweep as of this date (default: today in each district)
  LOG_LEVEL=debug   more logs on stderr`;

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

function textSummary(
  decisions: SummaryDecision[],
  inputErrors: InputError[],
  extras: RunExtras,
): string {
  const lines: string[] = [];
  const rel = (p: string) => relative(process.cwd(), p) || p;
  for (const d of decisions) {
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
  }
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
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  const parse = (a: string[]) =>
    parseArgs({
      args: a,
      options: {
        decisions: { type: 'string' },
        once: { type: 'boolean', default: false },
        fresh: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        out: { type: 'string' },
        today: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`iep-local: ${(error as Error).message}\n${USAGE}\n`);
    return 3;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { once, fresh, json, today } = args.values;
  if (today !== undefined && !isCalendarDate(today)) {
    process.stderr.write(
      `iep-local: --today must be a calendar date YYYY-MM-DD, got ${today}\n${USAGE}\n`,
    );
    return 3;
  }
  const log = jsonLog(parseLogLevel(process.env.LOG_LEVEL, 'warn'), (line) =>
    process.stderr.write(`${line}\n`),
  );
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const stateDir = resolve(projectStateDir(process.env), 'runtime');
  const outDir = resolve(args.values.out ?? resolve(PROJECT_ROOT, 'out'));
  const pattern = args.values.decisions ?? resolve(PROJECT_ROOT, DEFAULT_DECISIONS);
  const files = (
    await glob(pattern, { absolute: true, onlyFiles: true, expandDirectories: false })
  ).sort();
  if (files.length === 0) {
    say(`iep-local: no decision files match ${pattern} (quote the glob: --decisions 'dir/*.json')`);
    return 3;
  }
  const byNpmStart = ['start', 'start:json'].includes(process.env.npm_lifecycle_event ?? '');
  if (json && byNpmStart && process.env.npm_config_loglevel !== 'silent')
    say(
      'iep-local: npm printed its "> iep-docs start" banner on stdout before this JSON; run `npm run -s start:json` (or `npx iep-local --json`) to get JSON alone',
    );
  if (fresh && existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });

  let runtime: LocalRuntime;
  say('starting DynamoDB Local, the S3 and SES emulators, and Chromium…');
  try {
    runtime = await LocalRuntime.start({ stateDir, outDir, fresh, log, today });
  } catch (error) {
    say(`iep-local: ${errorChain(error)}`);
    return 4;
  }
  const stop = async () => {
    await runtime.stop();
  };
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
    if (json)
      process.stdout.write(
        `${JSON.stringify(jsonSummary(decisions, inputErrors, extras), null, 2)}\n`,
      );
    else process.stdout.write(`${textSummary(decisions, inputErrors, extras)}\n`);
    if (once) return 0;

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
    return 0;
  } catch (error) {
    say(`iep-local: ${(error as Error).stack ?? error}`);
    return 4;
  } finally {
    await stop();
  }
}
