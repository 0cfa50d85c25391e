/**
 * Crash injection for the one-machine runtime (the adversarial suite's crash tests).
 *
 * `IEP_FAILPOINT=<point>` with `IEP_FAILPOINT_HIT=<n>` (default 1) kills this process with a
 * real SIGKILL the n-th time the point is reached (never with 0): no exit handlers, no flush, no cleanup, as
 * when a Lambda container is killed. The hooks sit on the runtime's side of our ports (the
 * signer the engine uses, the AWS clients the adapters use), so handler and pipeline code stay
 * free of test hooks; the runtime installs them only when the variable is set.
 *
 * Points (each is reached once per matching call):
 * - `after-pdf-rendered`: Chromium printed a PDF, before it is signed (the signer is called);
 * - `after-signed`: the signature over the PDF is made, before the PDF is stored;
 * - `after-s3-write`: an object was stored in the documents bucket;
 * - `after-document-record`: a write to the documents table succeeded;
 * - `after-outcome-record`: a write to the outcomes table succeeded;
 * - `after-email-sent`: SES accepted an email;
 * - `after-delivery-record`: a write to the deliveries table succeeded;
 * - `during-sweep`: a write to the calendar or runs table succeeded (the sweep's progress).
 *
 * With the hooks installed, `IEP_MAIL_LOG=<file>` also appends one line per email SES accepted
 * (a hash of its recipients and subject, never the addresses): the SES emulator's store lives
 * in the runtime's process and dies with it, so this file is how a crash test counts emails.
 */
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import type { AwsClients } from '../../functions/adapters/aws-clients.ts';
import type { ResourceNames } from '../../functions/contract/resources.ts';
import type { Signer } from '../../functions/render/ports.ts';

/** Every crash point, in pipeline order. */
export const FAILPOINTS = [
  'after-pdf-rendered',
  'after-signed',
  'after-s3-write',
  'after-document-record',
  'after-outcome-record',
  'after-email-sent',
  'after-delivery-record',
  'during-sweep',
] as const;

export type FailpointName = (typeof FAILPOINTS)[number];

/** Which point to crash at, and on which of its hits. */
export interface FailpointSetting {
  point: FailpointName;
  /** 1-based: crash the n-th time the point is reached; 0: never (hooks and mail log only). */
  hit: number;
}

/** Reads `IEP_FAILPOINT` / `IEP_FAILPOINT_HIT`; undefined when unset. Throws on a typo. */
export function failpointFromEnv(env: NodeJS.ProcessEnv): FailpointSetting | undefined {
  const point = env.IEP_FAILPOINT;
  if (point === undefined || point === '') return undefined;
  if (!(FAILPOINTS as readonly string[]).includes(point)) {
    throw new Error(`IEP_FAILPOINT=${point}: expected one of ${FAILPOINTS.join(', ')}`);
  }
  const hit = Number(env.IEP_FAILPOINT_HIT ?? '1');
  if (!Number.isInteger(hit) || hit < 0) {
    throw new Error(`IEP_FAILPOINT_HIT=${env.IEP_FAILPOINT_HIT}: expected an integer ≥ 0`);
  }
  return { point: point as FailpointName, hit };
}

/** Counts hits of the chosen point and kills the process on the chosen one. */
export class Failpoint {
  #hits = 0;

  constructor(
    readonly setting: FailpointSetting,
    private readonly kill: () => void = () => process.kill(process.pid, 'SIGKILL'),
  ) {}

  /** How often the chosen point was reached so far. */
  get hits(): number {
    return this.#hits;
  }

  /** Called at each point; crashes when it is the chosen point's chosen hit. */
  reached(point: FailpointName): void {
    if (point !== this.setting.point) return;
    this.#hits++;
    if (this.#hits === this.setting.hit) this.kill();
  }
}

/** What the hooks are installed on. */
export interface FailpointTargets {
  clients: AwsClients;
  /** The engine's signer (the same object the engine calls). */
  signer: Signer;
  names: ResourceNames;
  /** File receiving one line per email sent (see the module comment). */
  mailLog?: string;
}

/** The point a succeeded AWS call reaches, if any. */
export function pointOfCall(
  names: ResourceNames,
  commandName: string,
  input: {
    TableName?: unknown;
    Bucket?: unknown;
    TransactItems?: unknown;
    UpdateExpression?: unknown;
    ConditionExpression?: unknown;
  },
): FailpointName | undefined {
  if (commandName === 'PutObjectCommand' && input.Bucket === names.buckets.documents) {
    return 'after-s3-write';
  }
  if (commandName === 'SendEmailCommand') return 'after-email-sent';
  const writes = ['PutItemCommand', 'UpdateItemCommand', 'TransactWriteItemsCommand'];
  if (!writes.includes(commandName)) return undefined;
  const tables = new Set<unknown>([input.TableName]);
  if (Array.isArray(input.TransactItems)) {
    for (const item of input.TransactItems as Record<string, { TableName?: unknown }>[]) {
      for (const action of Object.values(item)) tables.add(action?.TableName);
    }
  }
  if (tables.has(names.tables.documents)) return 'after-document-record';
  // The outcome itself (a conditional first write), not a counted failed attempt or a withdrawal.
  const update = typeof input.UpdateExpression === 'string' ? input.UpdateExpression : '';
  const outcomeWrite =
    commandName === 'PutItemCommand' ||
    (input.ConditionExpression !== undefined && !update.includes('failedAttempts'));
  if (tables.has(names.tables.outcomes)) return outcomeWrite ? 'after-outcome-record' : undefined;
  if (tables.has(names.tables.deliveries)) return 'after-delivery-record';
  if (tables.has(names.tables.calendar) || tables.has(names.tables.runs)) return 'during-sweep';
  return undefined;
}

/** The part of an SDK client's middleware stack used here, the same for every client. */
interface InitializeStack {
  add(
    middleware: (
      next: (args: { input?: Record<string, unknown> }) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: { input?: Record<string, unknown> }) => Promise<unknown>,
    options: { step: 'initialize'; name: string; override: boolean },
  ): void;
}

/**
 * Installs the hooks: a middleware after each AWS call (the call has succeeded: its effect is
 * durable in the emulator when the process dies) and a wrapper around the signer.
 */
export function installFailpoint(failpoint: Failpoint, targets: FailpointTargets): void {
  const { clients, signer, names, mailLog } = targets;
  // The document client shares the DynamoDB client's middleware stack.
  for (const client of [clients.dynamodb, clients.s3, clients.ses]) {
    (client.middlewareStack as unknown as InitializeStack).add(
      (next, context) => async (args) => {
        const result = await next(args);
        const point = pointOfCall(names, context.commandName ?? '', args.input ?? {});
        if (point === 'after-email-sent' && mailLog) logEmail(mailLog, args.input ?? {});
        if (point) failpoint.reached(point);
        return result;
      },
      { step: 'initialize', name: 'iepFailpoint', override: true },
    );
  }
  const sign = signer.sign.bind(signer);
  signer.sign = async (data) => {
    failpoint.reached('after-pdf-rendered');
    const signature = await sign(data);
    failpoint.reached('after-signed');
    return signature;
  };
}

/** One line per email: when, and a hash of who it went to and its subject. */
function logEmail(file: string, input: Record<string, unknown>): void {
  const { Destination, Content, EmailTags } = input as {
    Destination?: { ToAddresses?: string[] };
    Content?: { Simple?: { Subject?: { Data?: string } } };
    EmailTags?: { Name?: string; Value?: string }[];
  };
  // An email is identified by what it delivers: its delivery or notice id when it carries one
  // (two notices may share recipient and subject), else its recipients and subject.
  const tag = (name: string) => EmailTags?.find((t) => t.Name === name)?.Value;
  const to = [...(Destination?.ToAddresses ?? [])].sort().join(',');
  const subject = Content?.Simple?.Subject?.Data ?? '';
  const identity = tag('delivery-id') ?? tag('noticeId') ?? `${to}\n${subject}`;
  const email = createHash('sha256').update(identity).digest('hex').slice(0, 32);
  appendFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), email })}\n`);
}
