/**
 * The one set of security headers of every response of the public download API: the link page,
 * the document redirect, the response page (and its printed-code door `/r`), the verification
 * page and the 404. A page with a form of its own posts back to the same origin
 * (`form-action 'self'`); any other page posts nowhere.
 */

/** Whether the page has a form that posts back to this API. */
export type FormPolicy = 'none' | 'self';

/**
 * The headers, without a content type (a redirect has none):
 * - no-store: a page names a student's documents; a shared computer keeps no copy;
 * - no-referrer: the bearer token in a path never travels in a Referer;
 * - HSTS for a year, subdomains included: a link is never followed over plain HTTP;
 * - CSP: nothing loads or runs but the page's inline style; `base-uri 'none'`, so an injected
 *   `<base>` could not redirect relative links; no framing (with X-Frame-Options for old
 *   browsers).
 */
export function securityHeaders(forms: FormPolicy = 'none'): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-robots-tag': 'noindex, nofollow',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action ${forms === 'self' ? "'self'" : "'none'"}; frame-ancestors 'none'`,
  };
}

/** The headers of an HTML page. */
export function htmlHeaders(forms: FormPolicy = 'none'): Record<string, string> {
  return { ...securityHeaders(forms), 'content-type': 'text/html; charset=utf-8' };
}
