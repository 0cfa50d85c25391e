/**
 * Closing links short of withdrawing a version: one recipient (`iep-docs links revoke`), every
 * link of earlier versions once a newer one is in force (a removed guardian included), and a
 * link whose version stopped being in force without its revocation seeing it (the race of a
 * delivery against a withdrawal).
 */
import { describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo-deliveries.ts';
import { DynamoLinkStore } from '../../functions/adapters/dynamo-links.ts';
import { linksCommand } from '../../functions/cli/links.ts';
import type { Decision } from '../../functions/core/decision.ts';
import { type AfterRenderParts, afterRender } from '../../functions/pipeline/after-render.ts';
import type { DecisionOutcome } from '../../functions/pipeline/ports.ts';
import {
  type DeliveryFixture,
  deliveryFixturesForFile,
  uniqueDecision,
} from './deliver-support.ts';

const files = deliveryFixturesForFile();

/** A two-guardian decision delivered by email; each guardian's link. */
async function delivered() {
  const f = await files.fixture();
  const raw = uniqueDecision(f.env, 'annual-grade4-en');
  const { job } = await f.ready(raw);
  await f.delivery.queue.enqueue(job);
  await f.delivery.drain();
  const deliveries = await f.delivery.deliveriesFor(raw.decisionId, raw.version);
  const linkOf = (id: string) => deliveries.find((d) => d.recipientId === id)?.link as string;
  return { f, raw, links: { g1: linkOf('G-1'), g2: linkOf('G-2') } };
}

const status = async (url: string) => (await fetch(url)).status;

async function revokedAt(f: DeliveryFixture, decisionId: string) {
  const deliveries = await new DynamoDeliveryStore(
    f.env.clients.documents,
    f.env.names.tables.deliveries,
  ).listForDecision(decisionId);
  const links = new DynamoLinkStore(f.env.clients.documents, f.env.names.tables.links);
  return Object.fromEntries(
    await Promise.all(
      deliveries.map(async (d) => [
        `v${d.version} ${d.recipientId}`,
        (await links.get(d.tokenHash as string))?.revokedAt !== undefined,
      ]),
    ),
  );
}

describe('link revocation', () => {
  it('revokes one recipient’s link from the CLI and leaves the other guardian’s open', async () => {
    // Prepare
    const { f, raw, links } = await delivered();
    const out: string[] = [];
    const io = { stdout: (l: string) => out.push(l), stderr: (l: string) => out.push(l), env: {} };

    // Act
    const code = await linksCommand(
      [
        'revoke',
        '--decision',
        raw.decisionId,
        '--recipient',
        'G-1',
        '--deliveries-table',
        f.env.names.tables.deliveries,
        '--links-table',
        f.env.names.tables.links,
        '--decisions-table',
        f.env.names.tables.decisions,
      ],
      io,
      { documents: f.env.clients.documents },
    );

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(out[0] as string)).toEqual({
      decisionId: raw.decisionId,
      recipientId: 'G-1',
      throughVersion: 1,
      revoked: 1,
    });
    expect(await status(links.g1)).toBe(404);
    expect(await status(links.g2)).toBe(200);
  });

  it('closes every earlier link once an amendment is finalized, the removed guardian’s included', async () => {
    // Prepare: version 2 drops G-2 (custody changed).
    const { f, raw, links } = await delivered();
    const amended = { ...raw, version: 2, guardians: [raw.guardians[0]] };
    const { documents } = await f.ready(amended);

    // Act: before the renderer's revocation runs, then after it.
    const beforeRevocation = [await status(links.g1), await status(links.g2)];
    // The after-render policy as the handler and the runtime use it; the calendar is not at issue.
    const noCalendar = {
      scheduleCalendar: async () => ({ cancelledReminders: [] }),
      cancelForWithdrawal: async () => ({ cancelledReminders: [] }),
    };
    const { afterDocumentsReady } = afterRender({
      queue: f.delivery.queue,
      schedule: noCalendar as unknown as AfterRenderParts['schedule'],
      links: f.delivery.links,
    });
    await afterDocumentsReady(
      amended as unknown as Decision,
      documents,
      amended as unknown as DecisionOutcome,
    );

    // Assess: a superseded link opens nothing at once, and is recorded revoked.
    expect(beforeRevocation).toEqual([404, 404]);
    expect(await revokedAt(f, raw.decisionId)).toEqual({ 'v1 G-1': true, 'v1 G-2': true });
  });

  it('opens nothing through a link its withdrawal’s revocation did not see', async () => {
    // Prepare: the delivery passed the finalized check, the withdrawal then listed no link of it.
    const { f, raw, links } = await delivered();
    await f.env.clients.documents.put({
      TableName: f.env.names.tables.decisions,
      Item: { ...raw, status: 'withdrawn' },
    });

    // Act
    const page = await status(links.g1);

    // Assess
    expect(page).toBe(404);
    expect(await revokedAt(f, raw.decisionId)).toEqual({ 'v1 G-1': false, 'v1 G-2': false });
  });
});
