/**
 * `npx tsx bench/signing-modes.ts [--docs N] [--pdf FILE] [--memory-mb MB]`: the AWS signing
 * modes with the real adapter code (KmsSigner, ShortLivedLeafSigner) against the KMS double:
 * KMS Sign calls per 1,000 documents, signPdf p50/p95 and the cost per 1,000 documents; the
 * short-lived leaf also at PAdES B-LT (its KMS-signed CRL in the DSS, an in-process RFC 3161
 * authority: no network, so the TSA's round trip is not in the figure).
 * The double answers at once: a real KMS Sign adds its round trip (20–30 ms) per call.
 * Prints one JSON object; figures belong in docs/scale.md.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createSelfSignedCertificate } from '../functions/adapters/kms-certificate.ts';
import { KmsKey, KmsSigner } from '../functions/adapters/kms-signer.ts';
import { ShortLivedLeafSigner } from '../functions/adapters/short-lived-signer.ts';
import type { Signer } from '../functions/render/ports.ts';
import { issueCertificate } from '../functions/render/signing/certificates.ts';
import { signPdf, type TimestampAuthority } from '../functions/render/signing/index.ts';
import {
  issueTimestampResponse,
  readTimestampResponse,
  timestampRequest,
} from '../functions/render/signing/timestamp.ts';
import { fakeKms } from '../test/unit/kms-fake.ts';
import { classicPdf, metadata } from '../test/unit/signing/fixtures.ts';
import { summarize } from './stats.ts';

/** AWS KMS: $0.15 per 10,000 asymmetric RSA Sign requests (us-east-1 list price). */
const KMS_PER_REQUEST = 0.15 / 10_000;
/** AWS Lambda x86: $0.0000166667 per GB-second (us-east-1 list price). */
const LAMBDA_PER_GB_SECOND = 0.0000166667;

const { values } = parseArgs({
  options: {
    docs: { type: 'string', default: '1000' },
    pdf: { type: 'string' },
    'memory-mb': { type: 'string', default: '2048' },
  },
});
const docs = Number(values.docs);
const memoryGb = Number(values['memory-mb']) / 1024;
const pdf = values.pdf ? new Uint8Array(readFileSync(values.pdf)) : classicPdf();

/** An RFC 3161 authority in this process (a throwaway certificate): B-T/B-LT without network. */
function inProcessTsa(): TimestampAuthority {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Date.now();
  const certificate = issueCertificate(
    {
      subject: 'CN=Bench TSA, O=iep-docs bench',
      publicKey: pair.publicKey,
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + 86_400_000),
      profile: 'time-stamping',
    },
    pair.privateKey,
  );
  const issuer = { key: pair.privateKey, certificate, policy: '2.25.1' };
  return {
    name: 'bench',
    timestamp: async (data) => {
      const { der, nonce } = timestampRequest(data);
      return readTimestampResponse(issueTimestampResponse(der, issuer, new Date()), data, nonce);
    },
  };
}

type Made = Signer & { validationData?: ShortLivedLeafSigner['validationData'] };

async function run(
  name: string,
  make: (kms: ReturnType<typeof fakeKms>) => Promise<Made>,
  longTerm = false,
) {
  const kms = fakeKms();
  const signer = await make(kms);
  kms.signRequests.length = 0;
  const coldStart = performance.now();
  await signer.certificates(); // cold start: the leaf is issued here in short-lived mode
  const coldStartMs = performance.now() - coldStart;
  const timestampAuthority = longTerm ? inProcessTsa() : undefined;
  const times: number[] = [];
  for (let i = 0; i < docs; i++) {
    const t0 = performance.now();
    // As trustedSigning does per document: the validation data (cached after the first).
    const validationData = longTerm ? await signer.validationData?.() : undefined;
    await signPdf(pdf, {
      signer,
      reason: 'Official IEP record',
      location: 'Springfield, CA',
      signingTime: new Date(),
      metadata,
      ...(timestampAuthority ? { timestampAuthority, requiredLevel: 'B-LT' as const } : {}),
      ...(validationData ? { validationData } : {}),
    });
    times.push(performance.now() - t0);
  }
  const calls = kms.signRequests.length;
  const stats = summarize(times);
  const kmsCost = (calls / docs) * 1000 * KMS_PER_REQUEST;
  const computeCost = (stats.p50 / 1000) * memoryGb * LAMBDA_PER_GB_SECOND * 1000;
  return {
    mode: name,
    documents: docs,
    kmsSignCallsPer1000: Math.round((calls / docs) * 1000 * 1000) / 1000,
    signMs: stats,
    coldStartMs: Math.round(coldStartMs),
    costPer1000Usd: {
      kms: Number(kmsCost.toPrecision(3)),
      signingCompute: Number(computeCost.toPrecision(3)),
      total: Number((kmsCost + computeCost).toPrecision(3)),
    },
  };
}

const chainPem = async (kms: ReturnType<typeof fakeKms>, ca: boolean) =>
  (
    await createSelfSignedCertificate({
      key: new KmsKey(kms, kms.keyId),
      subject: 'CN=Example USD Issuing CA, O=Example Unified School District, C=US',
      now: new Date(Date.now() - 86_400_000),
      ca,
    })
  ).pem;

async function shortLived(kms: ReturnType<typeof fakeKms>) {
  const pem = await chainPem(kms, true);
  return new ShortLivedLeafSigner({
    kms,
    keyId: kms.keyId,
    issuerChain: async () => pem,
    subject: 'CN=IEP documents (short-lived signing key), O=Example Unified School District',
  });
}

const results = [
  await run('kms-per-document', async (kms) => {
    const pem = await chainPem(kms, false);
    return new KmsSigner({ kms, keyId: kms.keyId, certificateChain: async () => pem });
  }),
  await run('short-lived-leaf', async (kms) => shortLived(kms)),
  await run('short-lived-leaf, B-LT', async (kms) => shortLived(kms), true),
];
process.stdout.write(
  `${JSON.stringify({ pdfBytes: pdf.length, memoryMb: memoryGb * 1024, results }, null, 2)}\n`,
);
