/**
 * The one-machine runtime's trust services for the development CA: an RFC 3161
 * time-stamping authority (POST /tsa) and the CA's CRL (GET /crl) on 127.0.0.1, so local
 * documents are PAdES B-LT. Development only: its certificate says so.
 */
import { generateKeyPair } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { httpTimestampAuthority } from '../../functions/adapters/http-timestamp-authority.ts';
import {
  type CliContext,
  createCliContext,
  type TrustServicesHook,
} from '../../functions/cli/context.ts';
import { configuredTrust } from '../../functions/cli/signing-trust.ts';
import { issueCertificate, issueCrl } from '../../functions/render/signing/certificates.ts';
import type { DevelopmentCa } from '../../functions/render/signing/index.ts';
import { issueTimestampResponse } from '../../functions/render/signing/timestamp.ts';

/** A UUID-derived OID (ITU-T X.667) naming the development TSA policy. */
export const DEVELOPMENT_TSA_POLICY = '2.25.311405123581911640497306392713453260312';

/** The running services. */
export interface LocalTrustServices {
  tsaUrl: string;
  crlUrl: string;
  tsaCertificate: Buffer;
  /** The CA's current CRL (DER), valid seven days from the last issue. */
  crl(): Buffer;
  close(): Promise<void>;
}

const MAX_REQUEST = 16 * 1024;

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST) throw new Error('request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The development TSA's key and certificate, issued by the development CA for a year. */
async function developmentTsaIdentity(ca: DevelopmentCa, now: Date) {
  const { publicKey, privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
  });
  const tsaCertificate = issueCertificate(
    {
      subject: {
        commonName: 'iep-docs DEVELOPMENT time-stamping authority - not for official use',
        organization: 'iep-docs development',
      },
      publicKey,
      issuerCertificate: ca.certificate,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 365 * 86_400_000),
      profile: 'time-stamping',
    },
    ca.key,
  );
  return { tsaCertificate, privateKey };
}

/** Starts the TSA and CRL server for `ca` on 127.0.0.1 (port 0: any free port). */
export async function startLocalTrustServices(
  ca: DevelopmentCa,
  options: { clock?: () => Date; port?: number } = {},
): Promise<LocalTrustServices> {
  const clock = options.clock ?? (() => new Date());
  const now = clock();
  const { tsaCertificate, privateKey } = await developmentTsaIdentity(ca, now);
  let crl: { der: Buffer; issued: number } | undefined;
  const currentCrl = (): Buffer => {
    const time = clock();
    if (!crl || time.getTime() - crl.issued > 86_400_000) {
      const der = issueCrl(
        {
          issuerCertificate: ca.certificate,
          thisUpdate: time,
          nextUpdate: new Date(time.getTime() + 7 * 86_400_000),
        },
        ca.key,
      );
      crl = { der, issued: time.getTime() };
    }
    return crl.der;
  };
  const issuer = { key: privateKey, certificate: tsaCertificate, policy: DEVELOPMENT_TSA_POLICY };
  const server = createServer((request, response) => {
    void (async () => {
      if (request.method === 'GET' && request.url === '/crl') {
        response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(currentCrl());
        return;
      }
      if (request.method !== 'POST' || request.url !== '/tsa') {
        response.writeHead(404).end();
        return;
      }
      try {
        const reply = issueTimestampResponse(await body(request), issuer, clock());
        response.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(reply);
      } catch (error) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end((error as Error).message);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    tsaUrl: `http://127.0.0.1:${port}/tsa`,
    crlUrl: `http://127.0.0.1:${port}/crl`,
    tsaCertificate,
    crl: currentCrl,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The runtime's hook for `createCliContext`: with the development identity, the local TSA
 * and CRL for every district, so documents are B-LT. A configured (non-development)
 * identity keeps the profiles' own authorities.
 */
export const localTrustServices: TrustServicesHook = async (signer) => {
  if (!signer.developmentCa) {
    return { trust: configuredTrust(signer, process.env), close: async () => undefined };
  }
  const services = await startLocalTrustServices(signer.developmentCa);
  const authority = httpTimestampAuthority({ url: services.tsaUrl });
  return {
    trust: {
      timestampAuthority: () => authority,
      validationData: async () => ({
        certificates: await signer.certificates(),
        crls: [services.crl()],
      }),
    },
    close: services.close,
  };
};

/** The CLI context of the one-machine runtime and its workers: with the local trust services. */
export function localCliContext(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  clock?: () => Date,
): CliContext {
  return createCliContext(env, log, {
    trustServices: localTrustServices,
    ...(clock ? { clock } : {}),
  });
}
