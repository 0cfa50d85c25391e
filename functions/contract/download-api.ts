/**
 * Per-client request limits of the public download API (download links and the "Is this copy
 * genuine?" page), counted per source IP over a window. The stack's WAF rate-based rules and
 * the one-machine runtime's download server apply these same numbers; docs/security.md says why.
 */

/** At most `requests` from one client per `windowSeconds` (WAF: 60, 120, 300 or 600; limit ≥ 10). */
export interface ClientRateLimit {
  readonly requests: number;
  readonly windowSeconds: 60 | 120 | 300 | 600;
  /** Only paths containing this count (and are limited); absent: every path. */
  readonly pathPrefix?: string;
  /** How `pathPrefix` matches the path: contained in it (default), or ending it. */
  readonly match?: 'contains' | 'ends-with';
  /** What is counted: each client address (default), or each path (one link's response page). */
  readonly per?: 'client' | 'path';
}

export const DOWNLOAD_API_LIMITS = {
  /** Every path: a parent opening a link's page and its documents makes a handful of requests. */
  perClient: { requests: 300, windowSeconds: 300 },
  /** The verification page: a person checks a few codes; guessing codes needs millions. */
  verifyPerClient: { requests: 30, windowSeconds: 300, pathPrefix: '/verify' },
  /**
   * The response page (issue #19): a parent reads it, asks for a code, answers, perhaps
   * corrects a field: a dozen requests. The code itself allows 5 wrong tries per link.
   */
  respondPerClient: { requests: 60, windowSeconds: 300, pathPrefix: '/respond' },
  /** One link's response page from any number of addresses (a forwarded link, a botnet). */
  respondPerLink: { requests: 30, windowSeconds: 300, pathPrefix: '/respond', per: 'path' },
  /**
   * The short address of postal letters (`/r`): a parent types a code once or twice. Twenty
   * tries per five minutes per address against 80-bit codes leave guessing hopeless.
   */
  printedCodePerClient: { requests: 20, windowSeconds: 300, pathPrefix: '/r', match: 'ends-with' },
} as const satisfies Record<string, ClientRateLimit>;
