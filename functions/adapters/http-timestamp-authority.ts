/**
 * An RFC 3161 time-stamping authority over HTTP (RFC 3161 §3.4): POST a TimeStampReq as
 * application/timestamp-query, read a TimeStampResp. Only the SHA-256 of the signature
 * value leaves; a failure throws, and the caller's retry policy applies.
 */
import {
  readTimestampResponse,
  type TimestampAuthority,
  timestampRequest,
} from '../render/signing/timestamp.ts';

/** What {@link httpTimestampAuthority} needs. */
export interface HttpTimestampOptions {
  url: string;
  /** Milliseconds before the request is abandoned; default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A {@link TimestampAuthority} at `url`. */
export function httpTimestampAuthority(options: HttpTimestampOptions): TimestampAuthority {
  const send = options.fetch ?? fetch;
  const name = new URL(options.url).host;
  return {
    name,
    async timestamp(data) {
      const { der, nonce } = timestampRequest(data);
      const response = await send(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query' },
        body: der,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`time-stamping authority ${name}: HTTP ${response.status}`);
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('application/timestamp-reply'))
        throw new Error(`time-stamping authority ${name}: unexpected content type "${type}"`);
      return readTimestampResponse(new Uint8Array(await response.arrayBuffer()), data, nonce);
    },
  };
}
