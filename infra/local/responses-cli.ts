/**
 * `iep-docs responses [--decision ID] [--json]`: parents' online answers (issue #19) from the
 * one-machine runtime's saved state (`.local/runtime`), oldest first per recipient: with --json
 * `[{ decisionId, version, recipientId, response, except[], signedAt, documentId }]` (and the
 * sequence, what it supersedes and the consent after it). Never prints a signature or message.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createAwsClients } from '../../functions/adapters/aws-clients.ts';
import { stateDir as projectStateDir } from '../../functions/cli/context.ts';
import { resourceNames } from '../../functions/contract/resources.ts';
import type { ResponseRecord } from '../../functions/pipeline/response-ports.ts';
import { emulatorClientConfig, startEmulators } from './emulators.ts';
import { provision } from './provision.ts';

interface Io {
  stdout(line: string): void;
  stderr(line: string): void;
  env: NodeJS.ProcessEnv;
}

const USAGE = 'usage: iep-docs responses [--decision ID] [--json]';

/** What a report shows of an answer: no signature, message, address hash or user agent. */
export function reportOf(r: ResponseRecord) {
  return {
    decisionId: r.decisionId,
    version: r.version,
    recipientId: r.recipientId,
    response: r.response,
    except: r.except,
    signedAt: r.signedAt,
    documentId: r.documentId ?? null,
    sequence: r.sequence,
    supersedes: r.supersedes ?? null,
    consentAfter: r.consentAfter ?? null,
  };
}

export async function responsesLocal(argv: string[], io: Io): Promise<number> {
  let values: { decision?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { decision: { type: 'string' }, json: { type: 'boolean', default: false } },
      strict: true,
    }));
  } catch (error) {
    io.stderr(`iep-docs responses: ${(error as Error).message}\n${USAGE}`);
    return 3;
  }
  const emulators = await startEmulators({ stateDir: resolve(projectStateDir(io.env), 'runtime') });
  const clients = createAwsClients(emulatorClientConfig(emulators.endpoints));
  try {
    const names = resourceNames('iep-local');
    await provision(clients, names);
    const items: ResponseRecord[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      // A report over the local table: a scan (AWS reads per decision, by key).
      const page = await clients.documents.scan({
        TableName: names.tables.responses,
        ConsistentRead: true,
        ExclusiveStartKey,
      });
      items.push(...((page.Items ?? []) as ResponseRecord[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    const rows = items
      .filter((r) => !values.decision || r.decisionId === values.decision)
      .sort(
        (a, b) =>
          a.decisionId.localeCompare(b.decisionId) || a.responseKey.localeCompare(b.responseKey),
      )
      .map(reportOf);
    if (values.json) io.stdout(JSON.stringify(rows));
    else {
      if (rows.length === 0) io.stdout('no online answers recorded');
      for (const r of rows)
        io.stdout(
          `${r.signedAt}  ${r.decisionId} v${r.version}  ${r.recipientId}  ${r.response}${r.except.length ? ` (except ${r.except.join(', ')})` : ''}  ${r.documentId ?? 'no PDF'}${r.supersedes ? `  supersedes ${r.supersedes}` : ''}`,
        );
    }
    return 0;
  } finally {
    clients.destroy();
    await emulators.stop();
  }
}
