/**
 * Meetings on one machine: the meetings table's stream wired to the meeting-notices handler
 * as the stack's event source mapping is (the contract's settings), and the district's
 * safeguards notices put where a district uploads them (S3, under the district and version).
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AwsClients } from '../../functions/adapters/aws-clients.ts';
import { DEFAULT_DISTRICTS_DIR } from '../../functions/adapters/district-files.ts';
import type { ResourceNames } from '../../functions/contract/resources.ts';
import { MEETING_STREAM_MAPPING } from '../../functions/contract/streams.ts';
import type { DistrictDirectory } from '../../functions/core/district.ts';
import { meetingRecordId } from '../../functions/core/meeting.ts';
import { makeMeetingNoticesHandler } from '../../functions/handlers/meeting-notices.ts';
import { safeguardsS3Key } from '../../functions/pipeline/deliver-safeguards.ts';
import type { MeetingNotices } from '../../functions/pipeline/meeting-notices.ts';
import type { DocumentStore, Log } from '../../functions/pipeline/ports.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { mappingSettings, StreamPoller } from './stream-poller.ts';

/** The meetings stream → meeting-notices, with the contract's mapping settings. */
export function meetingStreamMapping(options: {
  clients: Pick<AwsClients, 'dynamodb' | 'dynamodbStreams'>;
  meetingsTable: string;
  service: Pick<MeetingNotices, 'process'>;
  log: Log;
  checkpointFile?: string;
}): StreamPoller {
  const mapping = MEETING_STREAM_MAPPING;
  return new StreamPoller({
    dynamodb: options.clients.dynamodb,
    dynamodbStreams: options.clients.dynamodbStreams,
    tableName: options.meetingsTable,
    handler: makeMeetingNoticesHandler({ service: options.service, log: options.log }),
    ...mappingSettings(mapping),
    ...(options.checkpointFile ? { checkpointFile: options.checkpointFile } : {}),
    onFailure: async (_record, failure) => {
      options.log.error('meeting notice dead-lettered', {
        attempts: failure.attempts,
        reason: failure.lastError,
      });
    },
  });
}

/**
 * Writes a meeting item into the meetings table, as a district's system would; the summary
 * follows it under its record id (`meeting-<meetingId>`, version = revision).
 */
export async function writeMeeting(
  clients: Pick<AwsClients, 'dynamodb'>,
  names: ResourceNames,
  item: Record<string, unknown>,
): Promise<{ decisionId: string; version: number } | { error: string }> {
  if (
    typeof item.meetingId !== 'string' ||
    item.meetingId === '' ||
    typeof item.revision !== 'number'
  )
    return {
      error:
        'not a meeting: the meetings table needs meetingId (a string) and revision (a number) as its key',
    };
  try {
    await clients.dynamodb.send(
      new PutItemCommand({
        TableName: names.tables.meetings,
        Item: marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: false }),
      }),
    );
  } catch (error) {
    return { error: `the meetings table refused the item: ${(error as Error).message}` };
  }
  return { decisionId: meetingRecordId(item.meetingId), version: item.revision };
}

/**
 * Puts each district's safeguards notices where the district uploads them. A profile may name
 * the notice's HTML source (the example district's sample): it is printed to PDF first.
 */
export async function uploadSafeguards(options: {
  districts: DistrictDirectory;
  districtsDir?: string;
  store: DocumentStore;
  printer: PdfPrinter;
  log: Log;
}): Promise<void> {
  const dir = options.districtsDir ?? DEFAULT_DISTRICTS_DIR;
  for (const districtId of options.districts.ids) {
    const profile = options.districts.get(districtId).safeguards;
    if (!profile) continue;
    for (const [language, file] of Object.entries(profile.files)) {
      const path = join(dir, file);
      const source = await readFile(path);
      const pdf =
        extname(path) === '.html'
          ? await options.printer.print({ html: source.toString('utf8') })
          : new Uint8Array(source);
      const { createHash } = await import('node:crypto');
      await options.store.putOnce(safeguardsS3Key(districtId, profile.version, language), pdf, {
        contentType: 'application/pdf',
        sha256Hex: createHash('sha256').update(pdf).digest('hex'),
      });
    }
    options.log.info('safeguards notices in place', { districtId, version: profile.version });
  }
}
