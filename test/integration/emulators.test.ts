import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { createAwsClients } from '../../functions/adapters/aws-clients.ts';
import { S3DocumentStore } from '../../functions/adapters/s3-document-store.ts';
import { resourceNames } from '../../functions/contract/resources.ts';
import {
  checkJava,
  type EmulatorEndpoints,
  javaMissingMessage,
  startEmulators,
} from '../../infra/local/emulators.ts';
import { provision } from '../../infra/local/provision.ts';
import { emulatorClients, emulatorEndpoints } from '../support/environment.ts';
import { sentEmails } from '../support/ses.ts';

const pdfBytes = new TextEncoder().encode('%PDF-1.7 test');
const pdfSha256 = createHash('sha256').update(pdfBytes).digest('hex');

function clientsFor(endpoints: EmulatorEndpoints) {
  return createAwsClients({
    region: endpoints.region,
    endpoints: { dynamodb: endpoints.dynamodb, s3: endpoints.s3, ses: endpoints.ses },
  });
}

async function tableNames(endpoints: EmulatorEndpoints): Promise<string[]> {
  const clients = clientsFor(endpoints);
  try {
    const { TableNames } = await clients.dynamodb.send(new ListTablesCommand({}));
    return TableNames ?? [];
  } finally {
    clients.destroy();
  }
}

describe('startEmulators', () => {
  it('keeps tables and documents under stateDir across a restart, fresh wipes them, stop frees the ports', async () => {
    // Prepare
    const stateDir = join(mkdtempSync(join(tmpdir(), 'iep-emulators-')), 'state');
    const names = resourceNames('iep-local');
    const first = await startEmulators({ stateDir, fresh: true });
    const clients = clientsFor(first.endpoints);
    await provision(clients, names);
    await new S3DocumentStore(clients.s3, names.buckets.documents).putOnce('d/1.pdf', pdfBytes, {
      contentType: 'application/pdf',
      sha256Hex: pdfSha256,
    });
    clients.destroy();
    await first.stop();

    // Act
    const restarted = await startEmulators({ stateDir });
    const keptTables = await tableNames(restarted.endpoints);
    const restartedClients = clientsFor(restarted.endpoints);
    const keptDocument = await new S3DocumentStore(
      restartedClients.s3,
      names.buckets.documents,
    ).get('d/1.pdf');
    restartedClients.destroy();
    await restarted.stop();
    const wiped = await startEmulators({ stateDir, fresh: true });
    const tablesAfterWipe = await tableNames(wiped.endpoints);
    await wiped.stop();
    const afterStop = await Promise.allSettled(
      [wiped.endpoints.dynamodb, wiped.endpoints.s3, wiped.endpoints.ses].map((url) => fetch(url)),
    );

    // Assess
    expect(keptTables).toEqual(expect.arrayContaining(Object.values(names.tables)));
    expect(keptDocument).toEqual(pdfBytes);
    expect(tablesAfterWipe).toEqual([]);
    expect(afterStop.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    // Three starts, each with its own 30 s deadline (startEmulators): the limit covers them.
  }, 180_000);

  it('names the missing Java in one line', () => {
    // Act / Assess
    expect(() => checkJava('/nonexistent/bin/java')).toThrow(javaMissingMessage);
  });
});

describe('SES emulator', () => {
  it('lists an email sent through the SES v2 client in its store', async () => {
    // Prepare
    const clients = emulatorClients();
    const recipient = `guardian-${randomUUID()}@example.org`;

    // Act
    await clients.ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'no-reply@example.org',
        Destination: { ToAddresses: [recipient] },
        Content: {
          Simple: { Subject: { Data: 'Documents ready' }, Body: { Text: { Data: 'A link' } } },
        },
      }),
    );
    const emails = await sentEmails({ to: recipient });
    const viewer = await fetch(emulatorEndpoints().sesViewerUrl);
    clients.destroy();

    // Assess
    expect(emails).toEqual([
      expect.objectContaining({ subject: 'Documents ready', body: { text: 'A link' } }),
    ]);
    expect(viewer.status).toBe(200);
  });
});
