/**
 * The runtime's web side on loopback: the download endpoint (links, the parents' response
 * page, the "Is this copy genuine?" page) served by the same handlers as the Lambda function,
 * over the download use case's stores. The server starts before the handler exists (the
 * deliver use case needs the server's address for its links), so requests wait for `serve`.
 */

import type { ClientRateLimit } from '../../functions/contract/download-api.ts';
import type { DistrictDirectory } from '../../functions/core/district.ts';
import { makeDownloadHandler } from '../../functions/handlers/download.ts';
import type { PrintedCodeDeps } from '../../functions/handlers/printed-code.ts';
import type { RespondDeps } from '../../functions/handlers/respond.ts';
import { makeVerifyCopyHandler } from '../../functions/handlers/verify-copy.ts';
import type { Log } from '../../functions/pipeline/ports.ts';
import type { Pipeline } from '../../functions/platform/pipeline.ts';
import { verifyCopyParts } from '../../functions/platform/verify-wiring.ts';
import type { TrustAnchor } from '../../functions/render/signing/index.ts';
import { startDownloadServer } from './download-server.ts';

type DownloadHandler = ReturnType<typeof makeDownloadHandler>;

/** The download server, listening before its handler is built. */
export interface LocalDownloadServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Hands the server its handler; until then every request fails "not ready". */
  serve(handler: DownloadHandler): void;
  close(): Promise<void>;
}

/** Starts the download server on `port` (0: a free one), with the stack's per-client limits. */
export async function startLocalDownloadServer(options: {
  port: number;
  rateLimits: readonly ClientRateLimit[];
  log: Log;
}): Promise<LocalDownloadServer> {
  let handler: DownloadHandler | undefined;
  const server = await startDownloadServer(
    async (event) => {
      if (!handler) throw new Error('download endpoint not ready');
      return handler(event);
    },
    {
      port: options.port,
      rateLimits: options.rateLimits,
      onError: (error) =>
        options.log.error('download request failed', {
          error: error instanceof Error ? error.message : String(error),
        }),
    },
  );
  return {
    url: server.url,
    serve: (h) => {
      handler = h;
    },
    close: () => server.close(),
  };
}

/** The download endpoint over the download use case's stores, with the verification page. */
export function localDownloadHandler(
  stores: ReturnType<Pipeline['download']>,
  parts: {
    districts: DistrictDirectory;
    anchors: () => readonly TrustAnchor[];
    baseUrl: string;
    clock: () => Date;
    log: Log;
    respond?: RespondDeps & PrintedCodeDeps;
  },
) {
  const verify = verifyCopyParts({
    records: stores.records,
    decisions: stores.decisions,
    districts: parts.districts,
    anchors: parts.anchors,
    locales: stores.locales,
    baseUrl: parts.baseUrl,
    clock: parts.clock,
  });
  return makeDownloadHandler({
    verify: makeVerifyCopyHandler({ ...verify, log: parts.log }),
    ...(parts.respond ? { respond: parts.respond, printedCode: parts.respond } : {}),
    links: stores.links,
    records: stores.records,
    presign: (key, seconds, options) => stores.store.presignGet(key, seconds, options),
    districts: parts.districts,
    templates: stores.templates,
    locales: stores.locales,
    log: parts.log,
  });
}
