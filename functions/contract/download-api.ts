/**
 * Per-client request limits of the public download API (download links and the "Is this copy
 * genuine?" page), counted per source IP over a window. The stack's WAF rate-based rules and
 * the one-machine runtime's download server apply these same numbers; docs/security.md says why.
 */

/** At most `requests` from one client per `windowSeconds` (WAF: 60, 120, 300 or 600; limit ≥ 10). */
export interface ClientRateLimit {
  readonly requests: number;
  readonly windowSeconds: 60 | 120 | 300 | 600;
  /** Only paths under this prefix count (and are limited); absent: every path. */
  readonly pathPrefix?: string;
}

export const DOWNLOAD_API_LIMITS = {
  /** Every path: a parent opening a link's page and its documents makes a handful of requests. */
  perClient: { requests: 300, windowSeconds: 300 },
  /** The verification page: a person checks a few codes; guessing codes needs millions. */
  verifyPerClient: { requests: 30, windowSeconds: 300, pathPrefix: '/verify' },
} as const satisfies Record<string, ClientRateLimit>;
