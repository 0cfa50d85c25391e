/**
 * The local stream poller's durable state: per-shard checkpoints in a JSON file (written whole,
 * so a crash never leaves half of one) and the on-failure destination's dead-letter file.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';

/** Why a record was given up (what AWS puts in its on-failure destination). */
export interface StreamRecordFailure {
  readonly condition: 'RetryAttemptsExhausted';
  /** Invocations of the record that failed (1 + maxRetryAttempts). */
  readonly attempts: number;
  /** Last handler error message, or why the response counted as a failure. */
  readonly lastError: string;
}

export interface ShardCheckpoint {
  /** Last sequence number fully processed. */
  sequenceNumber?: string;
  /** The shard is closed and every record of it was processed. */
  finished?: boolean;
}

export interface CheckpointFile {
  version: 1;
  /** streamArn → shardId → checkpoint. */
  streams: Record<string, Record<string, ShardCheckpoint>>;
}

/**
 * An onFailure destination for the local runtime: appends one JSON line per record given up to
 * `file`: why, the stream position and the item's keys. Like AWS's on-failure destination for
 * streams it holds no images (a decision's image carries student data); re-read the item by key.
 */
export function deadLetterFile(
  file: string,
): (record: DynamoDBRecord, failure: StreamRecordFailure) => void {
  return (record, failure) => {
    const entry = {
      failedAt: new Date().toISOString(),
      failure,
      eventID: record.eventID,
      eventName: record.eventName,
      eventSourceARN: record.eventSourceARN,
      sequenceNumber: record.dynamodb?.SequenceNumber,
      keys: record.dynamodb?.Keys,
    };
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${JSON.stringify(entry)}\n`);
  };
}

export function loadCheckpoints(file: string | undefined): CheckpointFile {
  if (!file) return { version: 1, streams: {} };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, streams: {} };
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<CheckpointFile>;
  if (parsed.version !== 1 || typeof parsed.streams !== 'object' || parsed.streams === null) {
    throw new Error(`unreadable stream checkpoints in ${file}`);
  }
  return parsed as CheckpointFile;
}

/** Writes to a temporary file then renames it, so a crash never leaves half a checkpoint. */
export function saveCheckpoints(file: string | undefined, checkpoints: CheckpointFile): void {
  if (!file) return;
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(checkpoints, null, 2)}\n`);
  renameSync(temporary, file);
}
