/**
 * Serves the download endpoint over HTTP on loopback, as API Gateway would: each request
 * becomes an HTTP API (payload v2) event for the download handler, and its result the response.
 * Per-client rate limits answer 429 before the handler, as the stack's WAF rules do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ClientRateLimit } from '../../functions/contract/download-api.ts';

/** API Gateway's largest request body (10 MB); Lambda takes less (the handler says). */
const MAX_BODY_BYTES = 10 * 2 ** 20;

/** The handler served (makeDownloadHandler's result). */
export type HttpApiHandler = (
  event: APIGatewayProxyEventV2,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** A running download server. */
export interface DownloadServer {
  /** `http://127.0.0.1:<port>`: the download base URL. */
  readonly url: string;
  close(): Promise<void>;
}

/** The HTTP API event of a request; a body is base64, as API Gateway hands a binary one. */
export function httpApiEvent(req: IncomingMessage, body?: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(',') : (value ?? ''),
    ]),
  );
  const method = req.method ?? 'GET';
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(body?.length ? { body: body.toString('base64') } : {}),
    isBase64Encoded: Boolean(body?.length),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: `${now.getTime()}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
  };
}

/**
 * Counts each client's requests per limit in fixed windows (WAF's are sliding: a fixed window
 * lets a client at most twice the limit across a boundary, enough for one machine).
 */
export function clientRateLimiter(limits: readonly ClientRateLimit[], clock = () => Date.now()) {
  const counts = new Map<string, { window: number; count: number }>();
  return (client: string, path: string): boolean => {
    let allowed = true;
    limits.forEach((limit, index) => {
      // CONTAINS or ENDS_WITH, as the WAF rule's scope-down statement matches.
      const matches =
        limit.match === 'ends-with'
          ? path.endsWith(limit.pathPrefix ?? '')
          : path.includes(limit.pathPrefix ?? '');
      if (limit.pathPrefix && !matches) return;
      const window = Math.floor(clock() / (limit.windowSeconds * 1000));
      const key = `${index} ${limit.per === 'path' ? path : client}`;
      const seen = counts.get(key);
      const count = seen && seen.window === window ? seen.count + 1 : 1;
      counts.set(key, { window, count });
      if (count > limit.requests) allowed = false;
    });
    return allowed;
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts serving `handler` on 127.0.0.1 (port 0: a free one); `onError` hears of handler failures. */
export async function startDownloadServer(
  handler: HttpApiHandler,
  options: {
    port?: number;
    onError?: (error: unknown) => void;
    /** Per-client limits (the contract's `DOWNLOAD_API_LIMITS`); absent: none. */
    rateLimits?: readonly ClientRateLimit[];
  } = {},
): Promise<DownloadServer> {
  const port = options.port ?? 0;
  const allow = clientRateLimiter(options.rateLimits ?? []);
  const plain = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(text);
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (!allow(req.socket.remoteAddress ?? '', path)) {
      // As WAF's block: no handler call, nothing said about what exists.
      plain(res, 429, 'Too many requests. Please wait a few minutes and try again.');
      return;
    }
    readBody(req)
      .then((body) => {
        if (!body) {
          plain(res, 413, 'The request is too large.');
          return undefined;
        }
        return handler(httpApiEvent(req, body));
      })
      .then((result) => {
        if (!result) return;
        res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
        res.end(req.method === 'HEAD' ? undefined : (result.body ?? ''));
      })
      .catch((error: unknown) => {
        options.onError?.(error);
        // The cause goes nowhere near the response: it could describe what exists.
        plain(res, 500, 'Something went wrong. Please try again later.');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
