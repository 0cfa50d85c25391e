/**
 * The input files of a local run, written where a district's system would write them: a
 * decision into the decisions table, a meeting or safeguards-event item into the meetings table
 * (meetings.ts), a translations item into the translations table (translations.ts). A file that
 * is not a JSON object with its table's key is an input error, written nowhere; the other files
 * are written all the same.
 */
import { readFile } from 'node:fs/promises';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AwsClients } from '../../functions/adapters/aws-clients.ts';
import type { ResourceNames } from '../../functions/contract/resources.ts';
import { isMeetingItem } from '../../functions/core/meeting.ts';
import { isSafeguardsEventItem } from '../../functions/core/safeguards-event.ts';
import { writeMeeting } from './meetings.ts';
import type { InputError, WrittenDecision } from './summary.ts';
import { routeTranslation } from './translations.ts';

/** What {@link writeInputFiles} wrote, and the files it could not. */
export interface WrittenInputs {
  written: WrittenDecision[];
  inputErrors: InputError[];
}

/** Writes each file's item into its table, in the order given (a later file wins a key). */
export async function writeInputFiles(
  clients: AwsClients,
  names: ResourceNames,
  files: readonly string[],
): Promise<WrittenInputs> {
  const out: WrittenInputs = { written: [], inputErrors: [] };
  const { written, inputErrors } = out;
  /** The file that wrote each decision key, for the duplicate warning. */
  const seen = new Map<string, string>();
  for (const file of files) {
    const item = await readItem(file, inputErrors);
    if (!item) continue;
    if (isMeetingItem(item) || isSafeguardsEventItem(item)) {
      // A meeting item (`"kind": "meeting"`) or a safeguards-event item goes to the meetings
      // table; see meetings.ts.
      const meeting = await writeMeeting(clients, names, item);
      if ('error' in meeting) inputErrors.push({ file, message: meeting.error });
      else written.push({ file, ...meeting });
      continue;
    }
    // A translations item (`"kind": "translation"`) goes to the translations table.
    if (await routeTranslation(clients, names, { file, item, written, inputErrors })) continue;
    await writeDecision(clients, names, { file, item, seen }, out);
  }
  return out;
}

/** The file's JSON object, or undefined with the input error noted. */
async function readItem(
  file: string,
  inputErrors: InputError[],
): Promise<Record<string, unknown> | undefined> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    inputErrors.push({ file, message: `not valid JSON: ${(error as Error).message}` });
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    inputErrors.push({ file, message: 'not a decision: expected a JSON object' });
    return undefined;
  }
  return value as Record<string, unknown>;
}

/** Puts one decision item into the decisions table, noting a key written before in this run. */
async function writeDecision(
  clients: AwsClients,
  names: ResourceNames,
  input: { file: string; item: Record<string, unknown>; seen: Map<string, string> },
  { written, inputErrors }: WrittenInputs,
): Promise<void> {
  const { file, item, seen } = input;
  if (
    typeof item.decisionId !== 'string' ||
    item.decisionId === '' ||
    typeof item.version !== 'number'
  ) {
    inputErrors.push({
      file,
      message:
        'not a decision: the decisions table needs decisionId (a string) and version (a number) as its key',
    });
    return;
  }
  const key = `${item.decisionId}#${item.version}`;
  const earlier = seen.get(key);
  if (earlier) {
    inputErrors.push({
      file,
      message: `${item.decisionId} version ${item.version} is also in ${earlier}: its item is replaced by this file, as a second write to the same key would in DynamoDB`,
    });
  }
  try {
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: names.tables.decisions,
        Item: marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: false }),
      }),
    );
  } catch (error) {
    inputErrors.push({
      file,
      message: `the decisions table refused the item: ${(error as Error).message}`,
    });
    return;
  }
  seen.set(key, file);
  if (!earlier) written.push({ file, decisionId: item.decisionId, version: item.version });
}
