/**
 * `iep-docs links revoke --recipient` against a delivery of that recipient in flight, on
 * DynamoDB Local: the revocation lands between the job's claim and its link (the job had passed
 * its checks), after the link but before the email, and on a link its listing cannot see. In
 * each order no link of the revoked recipient opens anything afterwards.
 */
import { describe, expect, it } from 'vitest';
import { DynamoLinkStore } from '../../functions/adapters/dynamo-links.ts';
import { linksCommand } from '../../functions/cli/links.ts';
import type { LinkRecord } from '../../functions/pipeline/delivery-ports.ts';
import { linkUrl } from '../../functions/pipeline/links.ts';
import { deliverService } from '../../functions/platform/deliver-wiring.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { testSigner } from '../fixtures/engine.ts';
import { sentEmails } from '../support/ses.ts';
import {
  type DeliveryFixture,
  deliveryFixturesForFile,
  quiet,
  uniqueDecision,
} from './deliver-support.ts';

const files = deliveryFixturesForFile();

/** A point a test holds one operation at, until it lets it go on. */
function gate() {
  let reach: () => void = () => undefined;
  let release: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { reached, reach, released, release };
}

/** The deliver use case on the fixture's tables, as its handler builds it. */
async function service(f: DeliveryFixture) {
  const noPrinter: PdfPrinter = {
    print: () => Promise.reject(new Error('no postal packet in this test')),
    close: async () => undefined,
  } as unknown as PdfPrinter;
  return deliverService({
    clients: f.env.clients,
    tables: f.env.names.tables,
    bucket: f.env.names.buckets.documents,
    districts: (await import('../../functions/adapters/district-files.ts')).loadDistrictDirectory(),
    log: quiet,
    clock: f.clock.clock,
    downloadBaseUrl: f.delivery.downloadBaseUrl,
    printer: noPrinter,
    signer: await testSigner(),
  });
}

async function revoke(f: DeliveryFixture, decisionId: string, recipientId: string) {
  const out: string[] = [];
  const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => out.push(l), env: {} };
  const { tables } = f.env.names;
  const code = await linksCommand(
    [
      'revoke',
      ...['--decision', decisionId, '--recipient', recipientId],
      ...['--deliveries-table', tables.deliveries, '--links-table', tables.links],
      ...['--decisions-table', tables.decisions],
    ],
    io,
    { documents: f.env.clients.documents },
  );
  return { code, out: JSON.parse(out[0] as string) };
}

const status = async (url: string) => (await fetch(url)).status;

describe('revoking a recipient while their delivery is in flight', () => {
  it('between the job’s claim and its link: no link is written, nothing is sent, the delivery awaits review', async () => {
    // Prepare: G-1's link save is held after its claim.
    const f = await files.fixture();
    const raw = uniqueDecision(f.env, 'annual-grade4-en');
    const { job } = await f.ready(raw);
    const built = await service(f);
    const held = gate();
    const put = built.linkStore.put.bind(built.linkStore);
    built.linkStore.put = async (link: LinkRecord) => {
      if (link.recipientId === 'G-1') {
        held.reach();
        await held.released;
      }
      return put(link);
    };

    // Act: the revocation runs while the job waits between its claim and its link.
    const delivering = built.deliver.deliver(job);
    await held.reached;
    const revoked = await revoke(f, raw.decisionId, 'G-1');
    held.release();
    const results = await delivering;

    // Assess
    expect(revoked.code).toBe(0);
    expect(revoked.out).toMatchObject({ recipientId: 'G-1', throughVersion: raw.version });
    const byRecipient = Object.fromEntries(results.map((r) => [r.recipientId, r]));
    expect(byRecipient['G-1']?.state).toBe('needs-review');
    expect(byRecipient['G-1']?.link).toBeUndefined();
    expect(byRecipient['G-2']?.state).toBe('sent');
    const g1 = (await built.deliveries.listForDecision(raw.decisionId)).find(
      (d) => d.recipientId === 'G-1',
    );
    expect(g1).toMatchObject({ state: 'needs-review', reason: 'recipient-links-revoked' });
    expect(await built.linkStore.get(g1?.tokenHash as string)).toBeUndefined();
    const g1Email = raw.guardians.find((g: { guardianId: string }) => g.guardianId === 'G-1').email;
    expect(await sentEmails({ to: g1Email })).toHaveLength(0);
    expect(await status(byRecipient['G-2']?.link as string)).toBe(200);
  });

  it('between the link and the email: the email goes, its link opens nothing', async () => {
    // Prepare: G-1's email is held after its link was saved.
    const f = await files.fixture();
    const raw = uniqueDecision(f.env, 'annual-grade4-en');
    const { job } = await f.ready(raw);
    const built = await service(f);
    const held = gate();
    const g1Email = raw.guardians.find((g: { guardianId: string }) => g.guardianId === 'G-1').email;
    const send = built.mailer.send.bind(built.mailer);
    built.mailer.send = async (message) => {
      if (message.to === g1Email) {
        held.reach();
        await held.released;
      }
      return send(message);
    };

    // Act
    const delivering = built.deliver.deliver(job);
    await held.reached;
    const revoked = await revoke(f, raw.decisionId, 'G-1');
    held.release();
    const results = await delivering;

    // Assess
    expect(revoked.out.revoked).toBe(1);
    const g1 = results.find((r) => r.recipientId === 'G-1');
    expect(g1?.state).toBe('sent');
    expect(await status(g1?.link as string)).toBe(404);
  });

  it('a link its listing did not see (the deliveries index lags) opens nothing either', async () => {
    // Prepare: a link saved for G-1 with no delivery record the revocation could list.
    const f = await files.fixture();
    const raw = uniqueDecision(f.env, 'annual-grade4-en');
    const { documents } = await f.ready(raw);
    const built = await service(f);
    const { token, record } = built.links.newLink(
      {
        linkId: 'lnk_unlisted',
        deliveryId: 'dlv_unlisted',
        districtId: raw.districtId,
        decisionId: raw.decisionId,
        version: raw.version,
        recipientId: 'G-1',
        language: 'en',
        documentIds: documents.map((d) => d.documentId),
      },
      30,
    );
    await built.links.save(record);
    const before = await status(linkUrl(f.delivery.downloadBaseUrl, token));

    // Act
    const revoked = await revoke(f, raw.decisionId, 'G-1');
    const after = await status(linkUrl(f.delivery.downloadBaseUrl, token));
    const again = built.links.save(built.links.newLink({ ...record }, 30).record);

    // Assess: nothing listed, yet the link is closed and no new one can be saved.
    expect(revoked.out.revoked).toBe(0);
    expect(before).toBe(200);
    expect(after).toBe(404);
    await expect(again).rejects.toThrow(/revoked recipient G-1/);
    expect(
      await new DynamoLinkStore(f.env.clients.documents, f.env.names.tables.links).get(
        record.tokenHash,
      ),
    ).toMatchObject({ recipientId: 'G-1' });
  });

  it('does not cover a version the district writes after the revocation (the corrected address)', async () => {
    // Prepare
    const f = await files.fixture();
    const raw = uniqueDecision(f.env, 'annual-grade4-en');
    await f.ready(raw);
    await revoke(f, raw.decisionId, 'G-1');
    const amended = { ...raw, version: raw.version + 1 };
    const { job } = await f.ready(amended);
    const built = await service(f);

    // Act
    const results = await built.deliver.deliver(job);

    // Assess
    const g1 = results.find((r) => r.recipientId === 'G-1');
    expect(g1?.state).toBe('sent');
    expect(await status(g1?.link as string)).toBe(200);
  });
});
