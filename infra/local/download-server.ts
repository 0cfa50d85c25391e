/**
 * Serves the download endpoint over HTTP on loopback, as API Gateway would: each request
 * becomes an HTTP API (payload v2) event for the download handler, and its result the response.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

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

/** The HTTP API event of a request. */
export function httpApiEvent(req: IncomingMessage): APIGatewayProxyEventV2 {
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
    isBase64Encoded: false,
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

/** Starts serving `handler` on 127.0.0.1 (port 0: a free one); `onError` hears of handler failures. */
export async function startDownloadServer(
  handler: HttpApiHandler,
  options: { port?: number; onError?: (error: unknown) => void } = {},
): Promise<DownloadServer> {
  const port = options.port ?? 0;
  const server: Server = createServer((req, res) => {
    handler(httpApiEvent(req))
      .then((result) => {
        res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
        res.end(req.method === 'HEAD' ? undefined : (result.body ?? ''));
      })
      .catch((error: unknown) => {
        options.onError?.(error);
        // The cause goes nowhere near the response: it could describe what exists.
        res.writeHead(500, {
          'content-type': 'text/plain; charset=utf-8',
          'cache-control': 'no-store',
        });
        res.end('Something went wrong. Please try again later.');
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
