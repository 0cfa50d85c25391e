/** Loopback servers that count every connection: any connection at all is a leak. */
import { createServer, type Server } from 'node:net';

/** A listening canary and how many connections reached it. */
export interface Canary {
  readonly port: number;
  hits: number;
  close(): Promise<void>;
}

/**
 * Starts a TCP server on `host` that counts connections and answers each with `response`
 * (an HTTP 200 with CANARY by default); undefined when the host cannot be bound (no IPv6).
 */
export async function startCanary(
  host: string,
  response = 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 6\r\n\r\nCANARY',
): Promise<Canary | undefined> {
  const server: Server = createServer();
  const canary = { port: 0, hits: 0, close: () => Promise.resolve() };
  server.on('connection', (socket) => {
    canary.hits++;
    socket.on('error', () => undefined);
    socket.end(response);
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(0, host, () => resolve(true));
  });
  if (!listening) return undefined;
  const address = server.address();
  canary.port = typeof address === 'object' && address !== null ? address.port : 0;
  canary.close = () => new Promise<void>((done) => server.close(() => done()));
  return canary;
}

/** A canary that redirects every request to `target` (a redirect from loopback). */
export function startRedirector(target: string): Promise<Canary | undefined> {
  return startCanary(
    '127.0.0.1',
    `HTTP/1.1 302 Found\r\nlocation: ${target}\r\ncontent-length: 0\r\n\r\n`,
  );
}
