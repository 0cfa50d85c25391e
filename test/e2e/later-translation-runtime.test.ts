/**
 * Issue #17's acceptance on the one-machine runtime, as a district runs it: a decision whose
 * Spanish translation is not done goes out in English, the Spanish-speaking guardian's delivery
 * `translation pending`; on the next run a `--decisions` file holding the translations item
 * (`"kind": "translation"`, as it would arrive in the translations table) yields `iep.es.pdf`
 * and `prior-written-notice.es.pdf` with the Spanish text and none of the team's English
 * sentences, and a `sent` delivery of them; a third run makes and sends nothing new.
 */
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../functions/adapters/aws-clients.ts';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo-deliveries.ts';
import { DynamoOutcomeStore } from '../../functions/adapters/dynamo-outcomes.ts';
import { DynamoTranslations } from '../../functions/adapters/dynamo-translations.ts';
import { resourceNames } from '../../functions/contract/resources.ts';
import type { TranslationItem } from '../../functions/core/translation.ts';
import { checkDecision } from '../../functions/core/validate.ts';
import { englishWordsLeft, translatedWordsMissing, wordsOf } from '../support/translated-text.ts';

const BIN = new URL('../../bin/iep-local.mjs', import.meta.url).pathname;
const SAMPLES = new URL('../../samples/translations/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'iep-docs-translation-'));

function runtime(glob: string, ...args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      'node',
      [BIN, '--once', '--json', '--out', join(work, 'out'), '--decisions', glob, ...args],
      {
        env: { ...process.env, IEP_STATE_DIR: join(work, 'state') },
        maxBuffer: 1 << 24,
        timeout: 180_000,
      },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface Run {
  decisions: {
    decisionId: string;
    translationPending: string[];
    documents: { type: string; language: string; state: string; localPath: string }[];
    deliveries: {
      recipientId: string;
      channel: string;
      language: string;
      state: string;
      notes?: string[];
    }[];
  }[];
  inputErrors: unknown[];
}

async function run(dir: string, ...args: string[]): Promise<Run['decisions'][number]> {
  const result = await runtime(join(dir, '*.json'), ...args);
  expect(result.code, result.stderr).toBe(0);
  const summary = JSON.parse(result.stdout) as Run;
  expect(summary.inputErrors).toEqual([]);
  expect(summary.decisions).toHaveLength(1);
  return summary.decisions[0] as Run['decisions'][number];
}

const input = (name: string, file: string) => {
  const dir = join(work, name);
  mkdirSync(dir);
  copyFileSync(join(SAMPLES, file), join(dir, file));
  return dir;
};
const names = (d: Run['decisions'][number]) =>
  d.documents.map((doc) => `${doc.type}.${doc.language}:${doc.state}`);

describe('a translation that arrives on the next run', () => {
  it('renders and sends the Spanish documents once; until then the English set goes out, marked pending', async () => {
    // Act 1: the decision, no translation yet.
    const first = await run(input('decision', 'transition-v2-es.json'), '--fresh');

    expect(first.translationPending).toEqual(['es']);
    expect(names(first)).toEqual(['iep.en:created', 'prior-written-notice.en:created']);
    expect(first.deliveries.map((d) => [d.recipientId, d.channel, d.language, d.state])).toEqual([
      ['G-1', 'email', 'es', 'sent'],
      ['G-2', 'postal', 'es', 'pending-mail'],
    ]);
    expect(first.deliveries[0]?.notes).toEqual([
      expect.stringMatching(/^translation pending: es \(requested \d{4}-\d\d-\d\d\)$/),
    ]);

    // Act 2: the translations item, as the translation office writes it.
    const translation = input('translation', 'transition-v2-es.translation.json');
    const second = await run(translation);

    expect(second.translationPending).toEqual([]);
    expect(names(second)).toEqual([
      'iep.en:unchanged',
      'prior-written-notice.en:unchanged',
      'iep.es:created',
      'prior-written-notice.es:created',
    ]);
    // Each recipient's pending English offer, and now the Spanish set (sorted: ties have no order).
    const rows = (r: Run['decisions'][number]) =>
      r.deliveries
        .map((d) => JSON.stringify([d.recipientId, d.channel, d.state, d.notes ?? []]))
        .sort();
    expect(rows(second)).toEqual(
      [
        ['G-1', 'email', 'sent', first.deliveries[0]?.notes],
        ['G-1', 'email', 'sent', []],
        ['G-2', 'postal', 'pending-mail', first.deliveries[1]?.notes],
        ['G-2', 'postal', 'pending-mail', []],
      ]
        .map((row) => JSON.stringify(row))
        .sort(),
    );
    const paths = second.documents.map((d) => d.localPath);
    expect(paths.filter((p) => p.endsWith('.es.pdf')).map((p) => p.split('/').pop())).toEqual([
      'iep.es.pdf',
      'prior-written-notice.es.pdf',
    ]);
    const raw = JSON.parse(readFileSync(join(SAMPLES, 'transition-v2-es.json'), 'utf8'));
    const checked = checkDecision(raw);
    if (checked.kind !== 'checked') throw new Error('the sample no longer validates');
    const item = JSON.parse(
      readFileSync(join(SAMPLES, 'transition-v2-es.translation.json'), 'utf8'),
    ) as TranslationItem;
    const printed = new Map<string, Set<string>>();
    for (const doc of second.documents.filter((d) => d.language === 'es'))
      printed.set(doc.type, await wordsOf(readFileSync(doc.localPath)));
    expect(translatedWordsMissing(checked.decision, item, printed)).toEqual([]);
    expect(englishWordsLeft(checked.decision, item, printed)).toEqual([]);

    // Act 3: the same item again: nothing new made, nothing sent again.
    const third = await run(translation);

    expect(names(third).every((n) => n.endsWith(':unchanged'))).toBe(true);
    expect(third.documents).toHaveLength(4);
    expect(rows(third)).toEqual(rows(second));
  }, 600_000);
});

describe('a translation written while the runtime runs', () => {
  it('is rendered from the translations table and delivered, without a restart', async () => {
    // Prepare: the runtime keeps running after its first summary.
    const dir = join(work, 'running');
    mkdirSync(dir);
    copyFileSync(join(SAMPLES, 'transition-v2-es.json'), join(dir, 'decision.json'));
    const child = spawn(
      process.execPath,
      [BIN, '--json', '--fresh', '--out', join(dir, 'out'), '--decisions', join(dir, '*.json')],
      {
        env: { ...process.env, IEP_STATE_DIR: join(dir, 'state'), IEP_FAILPOINT: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const closed = new Promise((done) => child.once('close', done));
    const endpoint = await new Promise<string>((ready, fail) => {
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
        const found = /ready: the pipeline is running on (\S+) \(DynamoDB\)/.exec(stderr);
        if (found?.[1]) ready(found[1]);
      });
      child.once('close', (code) => fail(new Error(`runtime exited ${code}:\n${stderr}`)));
    });
    const clients = createAwsClients({ region: 'us-east-1', endpoints: { dynamodb: endpoint } });
    const names = resourceNames('iep-local');
    const outcomes = new DynamoOutcomeStore(clients.documents, names.tables.outcomes);
    const deliveries = new DynamoDeliveryStore(clients.documents, names.tables.deliveries);
    const item = JSON.parse(
      readFileSync(join(SAMPLES, 'transition-v2-es.translation.json'), 'utf8'),
    ) as TranslationItem;

    try {
      expect((await outcomes.get(item.decisionId, 1))?.translationPending).toEqual(['es']);

      // Act: the translation office writes its item into the table.
      await new DynamoTranslations(clients.documents, names.tables.translations).put(item);

      // Assess: the Spanish set is made and goes out to both guardians, while it runs.
      const until = Date.now() + 150_000;
      let records = await deliveries.listForDecision(item.decisionId, 1);
      const settled = () => records.length === 4 && records.every((r) => r.state !== 'sending');
      while (!settled() && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        records = await deliveries.listForDecision(item.decisionId, 1);
      }
      expect((await outcomes.get(item.decisionId, 1))?.translated).toEqual(['es']);
      const spanish = records.filter((r) => !r.translationPending);
      expect(spanish.map((r) => [r.recipientId, r.channel, r.language, r.state]).sort()).toEqual([
        ['G-1', 'email', 'es', 'sent'],
        ['G-2', 'postal', 'es', 'pending-mail'],
      ]);
      expect(spanish.every((r) => r.documentIds.length === 2)).toBe(true);
    } finally {
      clients.destroy();
      child.kill('SIGTERM');
      await closed;
    }
  }, 400_000);
});
