/**
 * `iep-docs`: the document engine on one machine, no AWS.
 * Results go to stdout, problems and progress to stderr. Exit codes: 0 success;
 * 1 `verify` found the file not intact; 2 invalid input; 3 usage or I/O error;
 * 4 `verify` found it intact but not signed by a trusted certificate.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeProblem, type Problem } from '../core/problems.ts';
import type { TranslationItem } from '../core/translation.ts';
import { calendarCommand } from './calendar.ts';
import { type CliContext, createCliContext } from './context.ts';
import { type LoadedDecision, loadDecisionFile } from './load.ts';
import { readTranslationFiles } from './translation-files.ts';
import { reportTranslations } from './translation-report.ts';
import { writeDocuments } from './write-documents.ts';

export const ExitCode = {
  ok: 0,
  notIntact: 1,
  invalidInput: 2,
  usageOrIo: 3,
  notTrusted: 4,
} as const;

/** Where the CLI writes, and what it reads from its environment. */
export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  env: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

const USAGE = `usage: iep-docs <command> [options]

commands:
  validate FILE...              check decisions against the schema and the completeness rules
  render FILE... --out DIR [--html] [--translation ITEM]...
                                write DIR/<decisionId>/v<version>/<type>.<language>.pdf, signed;
                                with --html also <type>.<language>.html (fonts inlined), for review;
                                a complete translations item (--translation) prints its language's text
  verify FILE.pdf... [--trust PEM]... [--json]
                                check a document is unchanged and signed by a trusted certificate
                                (the profiles' trust anchors and --trust), at its time-stamp's time
  calendar FILE... [--json]     the compliance calendar a decision derives, and its reminder dates
  overdue [--today DATE] [--json]
                                overdue reviews and reevaluations, from the local runtime's state
  responses [--decision ID] [--json]
                                parents' online answers to the offer (issue #19), from the
                                local runtime's state: who answered what, when, and its signed PDF
  safeguards --student KEY [--district ID] [--json]
                                when a family was given the procedural safeguards notice (300.504),
                                from the local runtime's state (KEY: stu_… or the student id)
  links revoke --decision ID --recipient ID
                                close every download link of one recipient to a decision (AWS)
  translation export FILE --language TAG
                                the decision's free text as XLIFF 2.0, for the translation office
  translation import FILE XLIFF --language TAG
                                the translated XLIFF checked unit by unit: a translations item (JSON)
  certificate --key KEY --subject DN [--self-signed [--ca]]
                                a CSR for the district's issuing CA (or a test certificate, --ca:
                                a test issuing CA) for the KMS key, through KMS (docs/deploying.md)
  bench [--docs N] [--workers N] [--json]
                                the document path's speed on this machine (JSON on stdout)
  regenerate --district ID [--since DATE] [--workers N] [--job ID]
                                re-render a district's decisions in the local runtime (resumable)
  regenerate --district ID --queue-url URL [--since DATE] [--job ID] [--resend] [--detach]
                                the same job in AWS: messages to the stack's regeneration queue

exit codes: 0 success, 1 not intact (verify), 2 invalid input, 3 usage or I/O error,
            4 intact but not trusted (verify: unknown issuer, expired, revoked, wrong key usage)`;

type Loaded = LoadedDecision;

const loadDecision = (file: string, ctx: CliContext) => loadDecisionFile(file, ctx.districts);

function reportProblems(io: CliIo, file: string, problems: Problem[]): void {
  for (const p of problems) io.stderr(`${file}: ${describeProblem(p)}`);
}

function exitFor(results: Loaded[], badInput: boolean): number {
  if (results.some((r) => r.kind === 'io-error')) return ExitCode.usageOrIo;
  return badInput ? ExitCode.invalidInput : ExitCode.ok;
}

async function validate(files: string[], io: CliIo, ctx: CliContext): Promise<number> {
  const results = await Promise.all(files.map((f) => loadDecision(f, ctx)));
  let bad = false;
  for (const r of results) {
    if (r.kind === 'io-error') io.stderr(`${r.file}: ${r.message}`);
    else if (r.kind === 'invalid' || r.problems.length > 0) {
      bad = true;
      reportProblems(io, r.file, r.problems);
    } else {
      io.stdout(
        JSON.stringify({
          file: r.file,
          decisionId: r.decision.decisionId,
          version: r.decision.version,
          status: r.decision.status,
          valid: true,
        }),
      );
      reportTranslations(io, r.file, r.decision);
    }
  }
  return exitFor(results, bad);
}

async function render(
  files: string[],
  out: string,
  io: CliIo,
  ctx: CliContext,
  options: { html: boolean; translations: string[] },
): Promise<number> {
  const results: Loaded[] = [];
  let bad = false;
  const translations = await readTranslationFiles(options.translations);
  for (const { file, problems } of translations.problems) {
    bad = true;
    reportProblems(io, file, problems);
  }
  for (const file of files) {
    const r = await loadDecision(file, ctx);
    results.push(r);
    if (await renderFile(io, ctx, file, r, out, options.html, translations.items)) bad = true;
  }
  return exitFor(results, bad);
}

/**
 * Renders one loaded decision file and writes its documents under `out`; whether the file was
 * bad (invalid, without a profile, or rejected by the gate: nothing written).
 */
async function renderFile(
  io: CliIo,
  ctx: CliContext,
  file: string,
  r: Loaded,
  out: string,
  html: boolean,
  translations: TranslationItem[],
): Promise<boolean> {
  if (r.kind === 'io-error') {
    io.stderr(`${file}: ${r.message}`);
    return false;
  }
  if (r.kind === 'invalid') {
    reportProblems(io, file, r.problems);
    return true;
  }
  const { decision } = r;
  // A district without a profile, or a finalized decision the gate rejects: nothing is written.
  if (
    r.problems.some((p) => p.rule === 'district-profile') ||
    (decision.status === 'finalized' && r.problems.length > 0)
  ) {
    reportProblems(io, file, r.problems);
    return true;
  }
  const engine = await ctx.engine();
  const result = await engine.render(decision, {
    html,
    translations,
    // Official documents never print the team's English under another language's label;
    // a draft's watermarked preview shows every language, for the team and its translators.
    withholdPending: decision.status === 'finalized',
  });
  if (result.kind === 'withdrawn') {
    io.stderr(
      `${file}: decision ${decision.decisionId} v${decision.version} is withdrawn: no document rendered`,
    );
    return false;
  }
  if (result.kind === 'rejected') {
    reportProblems(io, file, result.problems);
    return true;
  }
  if (result.draft)
    io.stderr(`${file}: draft: unsigned preview, watermarked "DRAFT — not an official document"`);
  for (const tag of result.plan.translationNeeded)
    io.stderr(`${file}: translation needed: ${tag} (English documents produced)`);
  reportTranslations(io, file, decision, result.plan, translations);
  const dir = join(out, decision.decisionId, `v${decision.version}`);
  await writeDocuments(io, dir, decision, result.documents);
  return false;
}

/** Runs a command with its own options: a bad option is a usage error (3), like everywhere. */
async function guarded(run: () => Promise<number>, io: CliIo): Promise<number> {
  try {
    return await run();
  } catch (error) {
    io.stderr(`iep-docs: ${(error as Error).message}`);
    return ExitCode.usageOrIo;
  }
}

/**
 * The commands that run the one-machine runtime or the benchmarks (`infra/local/`, `bench/`),
 * which `functions/` never imports: the composition root (`bin/iep-docs.mjs`) hands them in.
 */
export interface MachineCommands {
  bench(args: string[], io: CliIo): Promise<number>;
  /** `regenerate` without `--queue-url`: the job on this machine. */
  regenerate(args: string[], io: CliIo): Promise<number>;
  overdue(args: string[], io: CliIo): Promise<number>;
  /** `responses`: parents' online answers (issue #19), from the local runtime's state. */
  responses(args: string[], io: CliIo): Promise<number>;
  /** `safeguards`: the givings of the safeguards notice, from the local runtime's state. */
  safeguards(args: string[], io: CliIo): Promise<number>;
}

/**
 * The commands that parse their own options, loaded only when used (some start emulators and
 * workers); undefined for the commands `runCli` parses itself.
 */
function ownOptionsCommand(
  command: string,
  rest: string[],
  io: CliIo,
  machine: MachineCommands | undefined,
): Promise<number> | undefined {
  const onMachine = (name: keyof MachineCommands) => {
    if (machine) return machine[name](rest, io);
    io.stderr(`iep-docs: ${name} runs on this machine only through bin/iep-docs.mjs`);
    return Promise.resolve(ExitCode.usageOrIo);
  };
  if (command === 'bench') return onMachine('bench');
  if (command === 'regenerate')
    // With --queue-url the job runs in AWS (SQS and Lambda); without, on this machine.
    return rest.some((arg) => arg === '--queue-url' || arg.startsWith('--queue-url='))
      ? import('./regenerate-aws.ts').then((m) => m.regenerateAwsCommand(rest, io))
      : onMachine('regenerate');
  if (command === 'links') return import('./links.ts').then((m) => m.linksCommand(rest, io));
  if (command === 'overdue') return guarded(() => onMachine('overdue'), io);
  if (command === 'safeguards') return guarded(() => onMachine('safeguards'), io);
  if (command === 'responses') return guarded(() => onMachine('responses'), io);
  if (command === 'verify' && !rest.some((arg) => arg === '--help' || arg === '-h'))
    return guarded(() => import('./verify.ts').then((m) => m.verifyCommand(rest, io)), io);
  if (command === 'translation')
    return import('./translation.ts').then((m) => m.translationCommand(rest, io));
  if (command === 'certificate')
    return guarded(
      () => import('./certificate.ts').then((m) => m.certificateCommand(rest, io)),
      io,
    );
  return undefined;
}

/** A usage error prints the usage too; any failure of a command is exit code 3. */
function usageFailure(error: unknown, io: CliIo): number {
  io.stderr(`iep-docs: ${(error as Error).message}`);
  if (
    error instanceof UsageError ||
    (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')
  )
    io.stderr(USAGE);
  return ExitCode.usageOrIo;
}

/** Runs one CLI command; returns its exit code. */
export async function runCli(
  argv: string[],
  io: CliIo,
  context?: CliContext,
  machine?: MachineCommands,
): Promise<number> {
  const [command, ...rest] = argv;
  let ctx: CliContext | undefined = context;
  const own = command ? ownOptionsCommand(command, rest, io, machine) : undefined;
  if (own) return own;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: {
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        html: { type: 'boolean', default: false },
        translation: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (!command || command === 'help' || command === '--help' || command === '-h' || values.help) {
      io.stdout(USAGE);
      return command ? ExitCode.ok : ExitCode.usageOrIo;
    }
    if (positionals.length === 0) throw new UsageError(`${command}: at least one FILE is required`);
    switch (command) {
      case 'validate':
        ctx ??= createCliContext(io.env, io.stderr);
        return await validate(positionals, io, ctx);
      case 'render':
        if (!values.out) throw new UsageError('render: --out DIR is required');
        ctx ??= createCliContext(io.env, io.stderr);
        return await render(positionals, values.out, io, ctx, {
          html: values.html ?? false,
          translations: values.translation ?? [],
        });
      case 'calendar':
        ctx ??= createCliContext(io.env, io.stderr);
        return await calendarCommand(
          positionals,
          { json: values.json ?? false, districts: ctx.districts },
          io,
        );
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (error) {
    return usageFailure(error, io);
  } finally {
    if (!context) await ctx?.close();
  }
}
