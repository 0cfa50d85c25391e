/**
 * `iep-docs links revoke --decision ID --recipient ID`: closes every download link one
 * recipient holds to any version of a decision that exists now (an email typed wrong gave a
 * stranger a link), those a delivery still in flight would write included
 * (pipeline/recipient-revocation.ts); a version written afterwards is delivered as usual.
 * The tables come from `--deliveries-table`/`--links-table`/`--decisions-table` or the
 * stack's variables (`DELIVERIES_TABLE`, `LINKS_TABLE`, `DECISIONS_TABLE`); the region from
 * `AWS_REGION`.
 */
import { parseArgs } from 'node:util';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { DynamoDecisionReader } from '../adapters/dynamo-decision-reader.ts';
import { DynamoDeliveryStore } from '../adapters/dynamo-deliveries.ts';
import { DynamoLinkStore } from '../adapters/dynamo-links.ts';
import { TABLE_ENV } from '../contract/environment.ts';
import type { AccessLog } from '../pipeline/delivery-ports.ts';
import { LinkService } from '../pipeline/links.ts';

const USAGE = `usage: iep-docs links revoke --decision ID --recipient ID
  [--deliveries-table NAME] [--links-table NAME] [--decisions-table NAME]
  (default: $DELIVERIES_TABLE, $LINKS_TABLE, $DECISIONS_TABLE)`;

/** Revoking writes no access; the service's access log is never touched here. */
const noAccessLog: AccessLog = {
  record: () => Promise.reject(new Error('links revoke records no access')),
  list: () => Promise.resolve([]),
};

/** `links revoke`'s options (tables default to the functions' environment), or the usage text. */
function linksArgs(argv: string[], env: NodeJS.ProcessEnv) {
  const [sub, ...rest] = argv;
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        decision: { type: 'string' },
        recipient: { type: 'string' },
        'deliveries-table': { type: 'string' },
        'links-table': { type: 'string' },
        'decisions-table': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    return `iep-docs links: ${(error as Error).message}\n${USAGE}`;
  }
  const deliveriesTable = values['deliveries-table'] ?? env[TABLE_ENV.deliveries];
  const linksTable = values['links-table'] ?? env[TABLE_ENV.links];
  const decisionsTable = values['decisions-table'] ?? env[TABLE_ENV.decisions];
  const { decision, recipient } = values;
  const missing = !decision || !recipient || !deliveriesTable || !linksTable || !decisionsTable;
  if (sub !== 'revoke' || missing) return USAGE;
  return { decision, recipient, deliveriesTable, linksTable, decisionsTable };
}

/**
 * Exit 0 with `{decisionId, recipientId, throughVersion, revoked}` on stdout; 3 usage; 4 AWS
 * error or no such decision.
 */
export async function linksCommand(
  argv: string[],
  io: { stdout(line: string): void; stderr(line: string): void; env: NodeJS.ProcessEnv },
  deps: { documents?: DynamoDBDocument } = {},
): Promise<number> {
  const args = linksArgs(argv, io.env);
  if (typeof args === 'string') {
    io.stderr(args);
    return 3;
  }
  const { decision, recipient, deliveriesTable, linksTable, decisionsTable } = args;
  const region = io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!deps.documents && !region) {
    io.stderr('iep-docs links: no AWS region: set AWS_REGION');
    return 3;
  }
  const { createAwsClients } = await import('../adapters/aws-clients.ts');
  const owned = deps.documents ? undefined : createAwsClients({ region: region as string });
  const db = deps.documents ?? (owned?.documents as DynamoDBDocument);
  try {
    const deliveries = new DynamoDeliveryStore(db, deliveriesTable);
    const links = new LinkService({
      links: new DynamoLinkStore(db, linksTable),
      deliveries,
      accessLog: noAccessLog,
      clock: () => new Date(),
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    // Every version that exists now: one a job is delivering at this moment included.
    const versions = [
      ...(await new DynamoDecisionReader(db, decisionsTable).versions(decision)),
      ...(await deliveries.listForDecision(decision)),
    ].map((v) => v.version);
    if (versions.length === 0) {
      io.stderr(`iep-docs links: no decision ${decision} in ${decisionsTable}`);
      return 4;
    }
    const throughVersion = Math.max(...versions);
    const revoked = await links.revokeRecipient(decision, recipient, throughVersion);
    io.stdout(
      JSON.stringify({ decisionId: decision, recipientId: recipient, throughVersion, revoked }),
    );
    return 0;
  } catch (error) {
    io.stderr(`iep-docs links: ${(error as Error).message}`);
    return 4;
  } finally {
    owned?.destroy();
  }
}
