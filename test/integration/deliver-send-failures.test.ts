import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { Deliver, DeliveryInProgress, deliveryIdFor } from '../../functions/pipeline/deliver.ts';
import type { Mailer } from '../../functions/pipeline/delivery-ports.ts';
import { deliverService } from '../../functions/platform/deliver-wiring.ts';
import { testSigner } from '../fixtures/engine.ts';
import { sentEmails } from '../support/ses.ts';
import { deliveryFixturesForFile, quiet, testLocales, uniqueDecision } from './deliver-support.ts';

const files = deliveryFixturesForFile();

/** The deliver use case on fresh tables, sending through `wrap(SES mailer)`. */
async function deliverWith(wrap: (ses: Mailer) => Mailer) {
  const f = await files.fixture();
  const parts = deliverService({
    clients: f.env.clients,
    tables: f.env.names.tables,
    bucket: f.env.names.buckets.documents,
    districts: loadDistrictDirectory(),
    log: quiet,
    clock: f.clock.clock,
    downloadBaseUrl: f.delivery.downloadBaseUrl,
    printer: files.printer(),
    signer: await testSigner(),
    locales: testLocales(['en']),
  });
  const deliver = new Deliver({
    decisions: parts.decisions,
    districts: loadDistrictDirectory(),
    records: parts.records,
    store: parts.store,
    deliveries: parts.deliveries,
    links: parts.links,
    mailer: wrap(parts.mailer),
    printer: files.printer(),
    signer: await testSigner(),
    templates: parts.templates,
    locales: parts.locales,
    downloadBaseUrl: f.delivery.downloadBaseUrl,
    clock: f.clock.clock,
    log: quiet,
    sendLeaseMs: 60_000,
  });
  const raw = uniqueDecision(f.env, 'amendment-en');
  const { job } = await f.ready(raw);
  return { f, deliver, parts, raw, job };
}

describe('deliver when sending fails', () => {
  it('releases the claim when SES refuses the email, so the retry sends it exactly once', async () => {
    // Prepare: SES answers the first send with a 400.
    let refusals = 1;
    const { deliver, parts, raw, job } = await deliverWith((ses) => ({
      send: (email) =>
        refusals-- > 0
          ? Promise.reject(
              Object.assign(new Error('MessageRejected'), { $metadata: { httpStatusCode: 400 } }),
            )
          : ses.send(email),
    }));
    const deliveryId = deliveryIdFor(job, 'G-1', 'email');

    // Act
    await expect(deliver.deliver(job)).rejects.toThrow(AggregateError);
    const afterRefusal = await parts.deliveries.get(deliveryId);
    const retried = await deliver.deliver(job);

    // Assess
    expect(afterRefusal).toBeUndefined();
    expect(retried.map((r) => [r.recipientId, r.state, r.created])).toEqual([
      ['G-1', 'sent', true],
    ]);
    expect(await sentEmails({ to: raw.guardians[0].email })).toHaveLength(1);
  });

  it('never resends when the answer to a send was lost: it waits for the lease, then asks for review', async () => {
    // Prepare: the email goes out, but the answer is lost (no HTTP status: a timeout or reset).
    let lose = 1;
    const { f, deliver, parts, raw, job } = await deliverWith((ses) => ({
      send: async (email) => {
        await ses.send(email);
        if (lose-- > 0) throw new Error('socket hang up');
        throw new Error('a second send must never happen');
      },
    }));
    const deliveryId = deliveryIdFor(job, 'G-1', 'email');

    // Act
    await expect(deliver.deliver(job)).rejects.toThrow(AggregateError);
    const withinLease = await deliver
      .deliver(job)
      .catch((error: AggregateError) => error.errors[0]);
    f.clock.advance(61_000);
    const afterLease = await deliver.deliver(job);

    // Assess
    expect(withinLease).toBeInstanceOf(DeliveryInProgress);
    expect(afterLease.map((r) => [r.recipientId, r.state, r.created])).toEqual([
      ['G-1', 'needs-review', false],
    ]);
    expect((await parts.deliveries.get(deliveryId))?.reason).toMatch(
      /may or may not have been sent/,
    );
    expect(await sentEmails({ to: raw.guardians[0].email })).toHaveLength(1);
  });
});
