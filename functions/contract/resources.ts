/**
 * The single source of truth for the pipeline's DynamoDB tables and S3 buckets.
 *
 * The one-machine runtime (`infra/local/provision.ts`) creates them from here, and the CDK
 * stack builds the same tables from here, so the two cannot drift apart. Everything is
 * on-demand billed; every GSI projects ALL attributes.
 */

/** DynamoDB scalar key types. */
export type KeyAttributeType = 'S' | 'N' | 'B';

/** A key attribute: its name and DynamoDB type. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

/** A global secondary index (projection ALL). */
export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

/** What a DynamoDB stream carries for each change. */
export type StreamViewType = 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';

/** One table, independent of where it runs. */
export interface TableDefinition {
  /** Stable name used in code and as the suffix of the physical name. */
  readonly logicalName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalIndexes: readonly GlobalIndexDefinition[];
  /** Set when the table has a DynamoDB stream. */
  readonly stream?: StreamViewType;
  /** Attribute holding an expiry time in epoch seconds, when items expire. */
  readonly timeToLiveAttribute?: string;
}

/** One bucket, independent of where it runs. */
export interface BucketDefinition {
  readonly logicalName: string;
  /** Versioned on AWS (S3 version ids are recorded with each document). */
  readonly versioned: boolean;
}

const s = (name: string): KeyAttribute => ({ name, type: 'S' });
const n = (name: string): KeyAttribute => ({ name, type: 'N' });

/** Every table of the system, by logical name. */
export const tables = {
  /**
   * Meeting decisions, one item per (decisionId, version); the decision's fields are native
   * attributes. Written only by the districts' systems (the pipeline never writes here, so its
   * writes cannot trigger a render). Read through the stream (render-documents, filtered on
   * status = finalized) and by GetItem(decisionId, version) for re-renders.
   */
  decisions: {
    logicalName: 'decisions',
    partitionKey: s('decisionId'),
    sortKey: n('version'),
    globalIndexes: [],
    stream: 'NEW_AND_OLD_IMAGES',
  },
  /**
   * The pipeline's verdict per decision version (rendered, or rejected with every reason).
   * Written by render-documents with a conditional put (idempotent on redelivery). Read by
   * GetItem(decisionId, version), or Query(decisionId) newest first for the latest.
   */
  outcomes: {
    logicalName: 'outcomes',
    partitionKey: s('decisionId'),
    sortKey: n('version'),
    globalIndexes: [],
  },
  /**
   * One record per stored PDF (S3 key, sha256, S3 version id, signer). Written by
   * render-documents and review-sweep with attribute_not_exists(documentId), which is the
   * write-once guard where S3 ignores conditional puts. Read by the download endpoint by
   * documentId, and per decision through `byDecision` (documentKey sorts the documents of
   * one decision, e.g. version#kind#language).
   */
  documents: {
    logicalName: 'documents',
    partitionKey: s('documentId'),
    globalIndexes: [
      { indexName: 'byDecision', partitionKey: s('decisionId'), sortKey: s('documentKey') },
    ],
  },
  /**
   * One item per delivery job (email or postal letter to one guardian) and its status.
   * Written by render-documents / review-sweep (queued) and by deliver (sent, failed). Read by
   * deliver by deliveryId, and per decision through `byDecision` (deliveryKey sorts them).
   */
  deliveries: {
    logicalName: 'deliveries',
    partitionKey: s('deliveryId'),
    globalIndexes: [
      { indexName: 'byDecision', partitionKey: s('decisionId'), sortKey: s('deliveryKey') },
    ],
  },
  /**
   * Download links, keyed by the sha256 of the token (the token itself is never stored).
   * Written by deliver; read by the download endpoint with GetItem(tokenHash). Expire via TTL.
   */
  links: {
    logicalName: 'links',
    partitionKey: s('tokenHash'),
    globalIndexes: [],
    timeToLiveAttribute: 'expiresAt',
  },
  /**
   * Record of access to education records (34 CFR 300.614): one item per download. Written by
   * the download endpoint; read by audits with Query(linkId) over an accessedAt range
   * (ISO-8601). Never expires.
   */
  accessLog: {
    logicalName: 'accessLog',
    partitionKey: s('linkId'),
    sortKey: s('accessedAt'),
    globalIndexes: [],
  },
  /**
   * Compliance calendar entries (annual review, reevaluation, reminders). Written by
   * render-documents (new entries, superseding the student's previous ones) and review-sweep
   * (marks sent). Read by the daily sweep with Query(bySendDate, sendOn = day) and when a new
   * IEP supersedes entries with Query(byStudent, studentKey). studentKey is an opaque key,
   * never the raw student id.
   */
  calendar: {
    logicalName: 'calendar',
    partitionKey: s('entryId'),
    globalIndexes: [
      { indexName: 'bySendDate', partitionKey: s('sendOn'), sortKey: s('entryKey') },
      { indexName: 'byStudent', partitionKey: s('studentKey'), sortKey: s('entryKey') },
    ],
  },
  /**
   * Meeting items (34 CFR 300.322): one per (meetingId, revision), written by the districts'
   * systems when they schedule or reschedule a meeting (a reschedule is the next revision). Its
   * own table, not an item kind of the decisions table: a meeting is not a version of a
   * decision (it comes before the decision; an initial IEP has none yet), so it shares neither
   * the decisions' key nor their stream's consumer. Read through its stream (meeting-notices)
   * and by GetItem for the revision a reschedule replaces.
   */
  meetings: {
    logicalName: 'meetings',
    partitionKey: s('meetingId'),
    sortKey: n('revision'),
    globalIndexes: [],
    stream: 'NEW_AND_OLD_IMAGES',
  },
  /**
   * Translations of a decision version's free text (34 CFR 300.503(c)): one item per
   * (decisionId, translationKey = `<version>#<language>`), with `version` and `language` as
   * attributes too, written by the district's translation office when a translation is done
   * (`iep-docs translation import --table`). Never written by the pipeline. Read through its
   * stream (render-translations: that language's documents of that version, once) and by
   * Query(decisionId, begins_with(translationKey, `<version>#`)) when a version is rendered.
   */
  translations: {
    logicalName: 'translations',
    partitionKey: s('decisionId'),
    sortKey: s('translationKey'),
    globalIndexes: [],
    stream: 'NEW_AND_OLD_IMAGES',
  },
  /**
   * Every giving of the district's procedural safeguards notice (300.504): one item per
   * (studentKey, givingKey = givenOn#recipientId#event#deliveryId). Written by deliver with a
   * conditional put (once per delivery); read by deliver (is one due this school year?) and by
   * `iep-docs safeguards` with Query(studentKey). Never expires: it is the district's proof.
   */
  safeguards: {
    logicalName: 'safeguards',
    partitionKey: s('studentKey'),
    sortKey: s('givingKey'),
    globalIndexes: [],
  },
  /**
   * Progress of batch jobs (a sweep run, a re-render): one item per (jobId, itemKey), so a job
   * that crashes half-way resumes and never repeats a done item. Written and read by the job
   * itself with Query(jobId) / conditional puts. Expires via TTL.
   */
  runs: {
    logicalName: 'runs',
    partitionKey: s('jobId'),
    sortKey: s('itemKey'),
    globalIndexes: [],
    timeToLiveAttribute: 'expiresAt',
  },
  /**
   * Parents' online answers to the district's offer (issue #19): one item per signed answer,
   * (decisionId, responseKey = v<version>#<recipientId>#<sequence>). Written by the download
   * endpoint with attribute_not_exists (append-only: a later answer is a new item, the earlier
   * kept); afterwards only the answer's PDF id (once) and its emails' claim and sent time are
   * set, by response-follow-up, which its stream (inserts, NEW_IMAGE) feeds. Read per recipient
   * and version (begins_with) and by `iep-docs responses`. Never expires: it is the consent
   * record (300.9).
   */
  responses: {
    logicalName: 'responses',
    partitionKey: s('decisionId'),
    sortKey: s('responseKey'),
    globalIndexes: [],
    stream: 'NEW_IMAGE',
  },
  /**
   * One item per download link (linkId): its one-time code's hash, when issued, the wrong tries
   * and the lock. Written by the download endpoint with conditions on the counters. Expires
   * with the link (TTL).
   */
  responseCodes: {
    logicalName: 'responseCodes',
    partitionKey: s('linkId'),
    globalIndexes: [],
    timeToLiveAttribute: 'expiresAt',
  },
} as const satisfies Record<string, TableDefinition>;

/** Logical table names. */
export type TableName = keyof typeof tables;

/** Every bucket of the system, by logical name. */
export const buckets = {
  /**
   * Signed PDFs, written once per key by render-documents and review-sweep; read by the
   * download endpoint (presigned GET). Keys hold district, decision and document ids only.
   */
  documents: { logicalName: 'documents', versioned: true },
} as const satisfies Record<string, BucketDefinition>;

/** Logical bucket names. */
export type BucketName = keyof typeof buckets;

/** Physical names of every table and bucket in one runtime (AWS stage or local). */
export interface ResourceNames {
  readonly tables: Readonly<Record<TableName, string>>;
  readonly buckets: Readonly<Record<BucketName, string>>;
}

/**
 * Physical names for a runtime: `${prefix}-${logicalName}`, e.g. `iep-local-decisions`.
 * Bucket names are lower-cased, so the prefix must be a valid S3 bucket-name start
 * (lower-case letters, digits, hyphens).
 */
export function resourceNames(prefix: string): ResourceNames {
  if (!/^[a-z0-9][a-z0-9-]{1,40}$/.test(prefix)) {
    throw new Error(`resource prefix must be 2-41 of [a-z0-9-], got "${prefix}"`);
  }
  const tableNames = Object.fromEntries(
    Object.entries(tables).map(([key, table]) => [key, `${prefix}-${table.logicalName}`]),
  ) as Record<TableName, string>;
  const bucketNames = Object.fromEntries(
    Object.entries(buckets).map(([key, bucket]) => [
      key,
      `${prefix}-${bucket.logicalName}`.toLowerCase(),
    ]),
  ) as Record<BucketName, string>;
  return { tables: tableNames, buckets: bucketNames };
}
