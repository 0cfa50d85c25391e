/**
 * Crashes at every step: the one-machine runtime runs as a child process and is killed with a
 * real SIGKILL at a failpoint (after the PDF is rendered, signed, stored, recorded...) or at a
 * random moment, then restarted without the failpoint until it exits 0. Nothing may be lost
 * and nothing may exist twice: every decision written has an outcome, every S3 key has one
 * document record, and every stored object is the one its record describes.
 *
 * `npm test` runs a short sample (a crash between the S3 write and its record, one between the
 * record and the outcome, and one random kill); `npm run test:adversarial`
 * (IEP_ADVERSARIAL_FULL=1) runs every point several times at random hits, and more random kills.
 */
import { createHash, randomInt } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../functions/adapters/aws-clients.ts';
import { resourceNames } from '../../functions/contract/resources.ts';
import { emulatorClientConfig, startEmulators } from '../../infra/local/emulators.ts';
import { FAILPOINTS, type FailpointName } from '../../infra/local/failpoints.ts';
import { rawSample } from '../fixtures/decisions.ts';
import { recordFigure } from './support/figures.ts';
import {
  type RuntimeRun,
  runRuntime,
  workFolder,
  writeDecisionFiles,
} from './support/runtime-child.ts';

const PART = 'crashes';
const FULL = process.env.IEP_ADVERSARIAL_FULL === '1';
const SAMPLES = ['annual-grade4-en', 'transition-es', 'amendment-en'];

/**
 * `npm test`'s sample: the two windows where a restart could duplicate a document (an object
 * stored without its record; a record without its outcome). The full campaign runs every point.
 */
const SAMPLE_POINTS: FailpointName[] = ['after-s3-write', 'after-document-record'];

/** One crash of the campaign. */
type Crash = { point: FailpointName; hit: number } | { killAfterMs: number };

function campaign(): Crash[] {
  const points = FULL ? [...FAILPOINTS] : SAMPLE_POINTS;
  const crashes: Crash[] = [];
  for (let round = 0; round < (FULL ? 3 : 1); round++) {
    for (const point of points) crashes.push({ point, hit: FULL ? randomInt(1, 6) : 2 });
  }
  for (let i = 0; i < (FULL ? 5 : 1); i++) crashes.push({ killAfterMs: randomInt(1_500, 5_000) });
  return crashes;
}

/**
 * The day every run is run as of: the samples' parents' annual-review notices (30 days before
 * 2027-11-19) and many case-manager reminders are due, so crashes land amid the sweep too.
 */
const TODAY = '2027-10-20';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('a worker killed at every step', () => {
  const folder = workFolder('iep-adv-crash-');

  afterAll(() => {
    rmSync(folder.root, { recursive: true, force: true });
  });

  it('loses nothing and duplicates nothing, however often it is killed', {
    timeout: 1_800_000,
  }, async () => {
    // Prepare: two new decisions before each crash, so every crash has work in flight.
    const crashes = campaign();
    let decisionCount = 0;
    const addDecisions = (n: number) => {
      const files: Record<string, unknown> = {};
      for (let i = 0; i < n; i++, decisionCount++) {
        const raw = rawSample(SAMPLES[decisionCount % SAMPLES.length]);
        raw.decisionId = `crash-${String(decisionCount).padStart(3, '0')}`;
        raw.student.studentId = `C-${String(decisionCount).padStart(5, '0')}`;
        files[`${raw.decisionId}.json`] = raw;
      }
      writeDecisionFiles(folder.decisions, files);
    };

    // Every run logs the emails SES accepted (hit 0: the hooks without a crash).
    const mailLog = join(folder.root, 'mail.log');
    const noCrash = {
      IEP_FAILPOINT: 'after-email-sent',
      IEP_FAILPOINT_HIT: '0',
      IEP_MAIL_LOG: mailLog,
    };

    // Act
    const runs: { crash: Crash; run: RuntimeRun }[] = [];
    for (const [i, crash] of crashes.entries()) {
      addDecisions(2);
      const run = await runRuntime({
        folder,
        today: TODAY,
        fresh: i === 0,
        ...('point' in crash
          ? {
              env: {
                IEP_FAILPOINT: crash.point,
                IEP_FAILPOINT_HIT: String(crash.hit),
                IEP_MAIL_LOG: mailLog,
              },
            }
          : { env: noCrash, killAfterMs: crash.killAfterMs }),
      });
      runs.push({ crash, run });
    }
    let final: RuntimeRun | undefined;
    let restarts = 0;
    for (; restarts < 3 && final?.code !== 0; restarts++) {
      final = await runRuntime({ folder, env: noCrash, today: TODAY });
    }

    // Assess: the summary of the last run, and the stores themselves.
    const killed = runs.filter(({ run }) => run.signal === 'SIGKILL').length;
    const otherExits = runs.filter(({ run }) => run.signal === null && run.code !== 0);
    expect(otherExits.map(({ run }) => run.stderr.slice(-800))).toEqual([]);
    expect(final?.code, final?.stderr.slice(-2000)).toBe(0);
    const summary = final?.summary;
    if (!summary) throw new Error('no summary');
    const c = summary.counts;
    const accounted =
      (c.documentsReady ?? 0) + (c.rejected ?? 0) + (c.skipped ?? 0) + (c.deadLettered ?? 0);

    const emulators = await startEmulators({ stateDir: join(folder.state, 'runtime') });
    const clients = createAwsClients(emulatorClientConfig(emulators.endpoints));
    const names = resourceNames('iep-local');
    try {
      const records: Record<string, any>[] = [];
      let startKey: Record<string, any> | undefined;
      do {
        const page = await clients.dynamodb.send(
          new ScanCommand({ TableName: names.tables.documents, ExclusiveStartKey: startKey }),
        );
        records.push(...(page.Items ?? []).map((item) => unmarshall(item)));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      const objects =
        (
          await clients.s3.send(
            new ListObjectsV2Command({ Bucket: names.buckets.documents, MaxKeys: 1000 }),
          )
        ).Contents?.map((o) => o.Key ?? '') ?? [];

      const recordsPerKey = new Map<string, Record<string, any>[]>();
      for (const r of records)
        recordsPerKey.set(r.s3Key, [...(recordsPerKey.get(r.s3Key) ?? []), r]);
      const keysWithSeveralRecords = [...recordsPerKey.values()].filter(
        (rs) => rs.length > 1,
      ).length;
      let objectsNotMatchingRecord = 0;
      // Postal packets are print jobs built from the documents, not documents: they have no record.
      const documentObjects = objects.filter((k) => !k.includes('/postal/'));
      for (const key of documentObjects) {
        const [record] = recordsPerKey.get(key) ?? [];
        const body = await clients.s3.send(
          new GetObjectCommand({ Bucket: names.buckets.documents, Key: key }),
        );
        const bytes = await body.Body?.transformToByteArray();
        if (!record || !bytes || sha256(bytes) !== record.sha256) objectsNotMatchingRecord++;
      }
      const recordsWithoutObject = records.filter((r) => !objects.includes(r.s3Key)).length;
      const summaryDocuments = summary.decisions.flatMap((d) => d.documents);
      const summaryMismatch = summaryDocuments.filter(
        (d) => records.find((r) => r.documentId === d.documentId)?.sha256 !== d.sha256,
      ).length;
      const duplicates = keysWithSeveralRecords + objectsNotMatchingRecord + recordsWithoutObject;

      // Reminders: after the last clean run, a reminder due by TODAY still pending was lost.
      const calendarItems: Record<string, any>[] = [];
      startKey = undefined;
      do {
        const page: ScanCommandOutput = await clients.dynamodb.send(
          new ScanCommand({ TableName: names.tables.calendar, ExclusiveStartKey: startKey }),
        );
        calendarItems.push(...(page.Items ?? []).map((item) => unmarshall(item)));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      const dueReminders = calendarItems.filter(
        (i) => i.itemType === 'reminder' && String(i.sendDate ?? i.sendOn) <= TODAY,
      );
      const lostReminders = dueReminders.filter((i) => i.state === 'pending').length;
      // A claim left 'sending' by a kill waits for its lease (15 min) before another sweep takes
      // it over: handled, not lost, but not yet confirmed either.
      const claimsAwaitingLease = calendarItems.filter(
        (i) => i.itemType === 'claim' && i.state === 'sending',
      ).length;

      const figures: { name: string; value: number; equals?: number; atLeast?: number }[] = [
        {
          name: 'worker processes killed (SIGKILL)',
          value: killed,
          atLeast: FULL ? 15 : SAMPLE_POINTS.length,
        },
        { name: 'decisions written', value: c.written ?? 0, equals: decisionCount },
        {
          name: 'written − (documents-ready + rejected + skipped + dead-lettered)',
          value: (c.written ?? 0) - accounted,
          equals: 0,
        },
        { name: 'decisions pending after restart', value: c.pending ?? 0, equals: 0 },
        {
          name: 'duplicate documents (S3 keys with several records, objects not matching their record, records without object)',
          value: duplicates,
          equals: 0,
        },
        { name: 'summary documents not matching their record', value: summaryMismatch, equals: 0 },
        { name: 'reminders due by then', value: dueReminders.length, atLeast: 1 },
        {
          name: 'lost reminders (due, still pending after restart)',
          value: lostReminders,
          equals: 0,
        },
        {
          name: 'notice claims awaiting their lease after a kill',
          value: claimsAwaitingLease,
          atLeast: 0,
        },
      ];
      // Emails: only once the runtime delivers (its summary then lists deliveries).
      const delivers = summary.decisions.some((d) => d.deliveries !== undefined);
      if (delivers) {
        const sent = existsSync(mailLog)
          ? readFileSync(mailLog, 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l).email)
          : [];
        const duplicateEmails = sent.length - new Set(sent).size;
        figures.push({ name: 'duplicate emails', value: duplicateEmails, equals: 0 });
        expect(duplicateEmails).toBe(0);
      } else {
        console.warn(
          'crashes: the local runtime does not deliver yet: duplicate emails not measured',
        );
      }
      for (const figure of figures) recordFigure({ ...figure, part: PART });
      expect(killed).toBeGreaterThanOrEqual(FULL ? 15 : SAMPLE_POINTS.length);
      expect(c.written).toBe(decisionCount);
      expect(c.documentsReady).toBe(decisionCount);
      expect(accounted).toBe(c.written);
      expect(c.pending).toBe(0);
      expect(dueReminders.length).toBeGreaterThan(0);
      expect(lostReminders).toBe(0);
      expect({ keysWithSeveralRecords, objectsNotMatchingRecord, recordsWithoutObject }).toEqual({
        keysWithSeveralRecords: 0,
        objectsNotMatchingRecord: 0,
        recordsWithoutObject: 0,
      });
      expect(summaryMismatch).toBe(0);
      // Calendar notices are documents too (records and objects), beyond the summary's meeting documents.
      expect(documentObjects.length).toBe(records.length);
      expect(records.length).toBeGreaterThanOrEqual(summaryDocuments.length);
    } finally {
      clients.destroy();
      await emulators.stop();
    }
  });
});
