/**
 * Calendar notices and postal packets carry the same long-term signature as the documents
 * (PAdES B-LT: an RFC 3161 time-stamp and a DSS with the chain and the CRL) when the platform
 * has trust services: here the local time-stamping authority and CRL of the development CA.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { httpTimestampAuthority } from '../../functions/adapters/http-timestamp-authority.ts';
import type { DistrictProfile } from '../../functions/core/district.ts';
import { assemblePacket } from '../../functions/pipeline/delivery-postal.ts';
import { launchPrinter } from '../../functions/render/chromium.ts';
import type { SigningTrust } from '../../functions/render/engine.ts';
import { NoticeRenderer } from '../../functions/render/notice.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import {
  type LocalSigner,
  validateDocument,
  verifyPdf,
} from '../../functions/render/signing/index.ts';
import { trustedSigning } from '../../functions/render/trusted-signing.ts';
import {
  type LocalTrustServices,
  startLocalTrustServices,
} from '../../infra/local/time-stamping-authority.ts';
import { sampleDecision } from '../fixtures/decisions.ts';
import { testSigner } from '../fixtures/engine.ts';

let printer: PdfPrinter;
let signer: LocalSigner;
let services: LocalTrustServices;
let trust: SigningTrust;
let district: DistrictProfile;

beforeAll(async () => {
  signer = await testSigner();
  if (!signer.developmentCa) throw new Error('the test signer has no development CA');
  services = await startLocalTrustServices(signer.developmentCa);
  const authority = httpTimestampAuthority({ url: services.tsaUrl });
  trust = {
    timestampAuthority: () => authority,
    validationData: async () => ({
      certificates: await signer.certificates(),
      crls: [services.crl()],
    }),
  };
  printer = await launchPrinter();
  district = loadDistrictDirectory().get(sampleDecision().districtId);
}, 120_000);

afterAll(async () => {
  await printer?.close();
  await services?.close();
});

/** Trusted at B-LT against the development root, with a time-stamp from the local authority. */
function expectLongTerm(pdf: Uint8Array) {
  const ca = signer.developmentCa as NonNullable<LocalSigner['developmentCa']>;
  const validation = validateDocument(pdf, {
    anchors: [{ certificate: ca.certificate, source: 'test' }],
    now: new Date(),
  });
  expect(validation.reason).toBeNull();
  expect(validation).toMatchObject({ intact: true, trusted: true, level: 'B-LT' });
  expect(validation.timestamp?.time).toBeDefined();
  expect(verifyPdf(pdf).evidence?.dssCrls.length).toBeGreaterThan(0);
}

describe('signatures of notices and postal packets', () => {
  it('signs a calendar notice B-LT when the platform has trust services, B-B without', async () => {
    const input = {
      decision: sampleDecision(),
      district,
      type: 'annual-review-notice' as const,
      dueDate: '2027-10-20',
      language: 'en',
    };
    const trusted = new NoticeRenderer({ printer, signer, clock: () => new Date(), trust });
    const plain = new NoticeRenderer({ printer, signer, clock: () => new Date() });

    const notice = await trusted.render(input);
    const baseline = await plain.render(input);

    expectLongTerm(notice.pdf);
    expect(verifyPdf(baseline.pdf).evidence?.timestampToken).toBeUndefined();
  }, 120_000);

  it('signs a postal packet B-LT with the same trust services', async () => {
    const notices = new NoticeRenderer({ printer, signer, clock: () => new Date() });
    const part = await notices.render({
      decision: sampleDecision(),
      district,
      type: 'annual-review-notice',
      dueDate: '2027-10-20',
      language: 'en',
    });

    const packet = await assemblePacket([{ pdf: part.pdf, title: 'Notice' }], {
      signer,
      reason: district.signing.reason,
      location: district.signing.location,
      signerName: district.name,
      signingTime: new Date(),
      metadata: { title: 'Packet', author: district.name, subject: 'Packet', language: 'en' },
      ...(await trustedSigning(trust, district)),
    });

    expectLongTerm(packet.pdf);
  }, 120_000);
});
