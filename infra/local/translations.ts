/**
 * Translations on one machine: a translations item (`"kind": "translation"`) in a
 * `--decisions` file is written into the translations table, as the district's translation
 * office would, and the table's stream drives the render-translations handler as the stack's
 * event source mapping does (the contract's settings).
 */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AwsClients } from '../../functions/adapters/aws-clients.ts';
import type { ResourceNames } from '../../functions/contract/resources.ts';
import { TRANSLATION_STREAM_MAPPING } from '../../functions/contract/streams.ts';
import { describeProblem } from '../../functions/core/problems.ts';
import { parseTranslationItem, translationKey } from '../../functions/core/translation.ts';
import { makeRenderTranslationsHandler } from '../../functions/handlers/render-translations.ts';
import type { DecisionOutcome, Log } from '../../functions/pipeline/ports.ts';
import type { RenderTranslation } from '../../functions/pipeline/render-translation.ts';
import { mappingSettings, StreamPoller } from './stream-poller.ts';

/** The languages whose documents still wait for their translation (pending, not translated since). */
export function stillPending(outcome: DecisionOutcome | undefined): string[] {
  return (outcome?.translationPending ?? []).filter((l) => !outcome?.translated?.includes(l));
}

/** Whether a file's item is a translations item rather than a decision. */
export function isTranslationItem(item: Record<string, unknown>): boolean {
  return item.kind === 'translation';
}

/**
 * Writes a translations item into the translations table (its sort key added); the summary
 * follows it under its decision version. An item that is not a translation is an input error,
 * written nowhere, every problem named by its path.
 */
export async function writeTranslation(
  clients: Pick<AwsClients, 'dynamodb'>,
  names: ResourceNames,
  value: Record<string, unknown>,
): Promise<{ decisionId: string; version: number } | { error: string }> {
  const parsed = parseTranslationItem(value);
  if ('problems' in parsed)
    return {
      error: `not a translations item: ${parsed.problems.map(describeProblem).join('; ')}`,
    };
  const { item } = parsed;
  try {
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: names.tables.translations,
        Item: marshall(
          { ...item, translationKey: translationKey(item.version, item.language) },
          { removeUndefinedValues: true },
        ),
      }),
    );
  } catch (error) {
    return { error: `the translations table refused the item: ${(error as Error).message}` };
  }
  return { decisionId: item.decisionId, version: item.version };
}

/**
 * Writes a file's item into the translations table when it is a translations item (true), its
 * decision version then followed by the summary (once), or its problems an input error.
 */
export async function routeTranslation(
  clients: Pick<AwsClients, 'dynamodb'>,
  names: ResourceNames,
  read: {
    file: string;
    item: Record<string, unknown>;
    written: { file: string; decisionId: string; version: number }[];
    inputErrors: { file: string; message: string }[];
  },
): Promise<boolean> {
  const { file, item, written, inputErrors } = read;
  if (!isTranslationItem(item)) return false;
  const t = await writeTranslation(clients, names, item);
  if ('error' in t) inputErrors.push({ file, message: t.error });
  else if (!written.some((w) => w.decisionId === t.decisionId && w.version === t.version))
    written.push({ file, ...t });
  return true;
}

/** The translations stream → render-translations, with the contract's mapping settings. */
export function translationStreamMapping(options: {
  clients: Pick<AwsClients, 'dynamodb' | 'dynamodbStreams'>;
  translationsTable: string;
  service: Pick<RenderTranslation, 'process'>;
  log: Log;
  checkpointFile?: string;
  /** First pause before a retry (tests: 0). */
  retryDelayMs?: number;
}): StreamPoller {
  const mapping = TRANSLATION_STREAM_MAPPING;
  return new StreamPoller({
    dynamodb: options.clients.dynamodb,
    dynamodbStreams: options.clients.dynamodbStreams,
    tableName: options.translationsTable,
    handler: makeRenderTranslationsHandler({ service: options.service, log: options.log }),
    ...mappingSettings(mapping),
    ...(options.checkpointFile ? { checkpointFile: options.checkpointFile } : {}),
    ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
    onFailure: async (_record, failure) => {
      options.log.error('translation dead-lettered', {
        attempts: failure.attempts,
        reason: failure.lastError,
      });
    },
  });
}
