/**
 * What keeps Chromium from reaching anything: each page locked down (JavaScript off, offline,
 * the product's fonts answered from memory, every other request but `data:` aborted) and the
 * browser process given a minimal environment (no AWS credentials). The printer
 * (`chromium.ts`) opens its pages and launches its browser through these.
 */
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { fontAt } from './fonts.ts';

/**
 * A new page that cannot reach anything: JavaScript off, service workers bypassed, network
 * emulated offline, the product's fonts answered from memory, and every other request except
 * `data:` URLs aborted before it leaves.
 */
export async function lockedDownPage(
  browser: Browser,
  onCrash: (page: Page) => void,
  onFontServed: () => void,
): Promise<Page> {
  const page = await browser.newPage();
  // 'error' is puppeteer's name for a crash of the page's renderer.
  page.on('error', () => onCrash(page));
  await page.setJavaScriptEnabled(false);
  await page.setBypassServiceWorker(true);
  await page.setOfflineMode(true);
  await page.setRequestInterception(true);
  page.on('request', (request) => answerFromMemoryOnly(request, onFontServed));
  return page;
}

/** How long Chromium may keep a font: its URL names the file's hash, so it never changes. */
const FONT_HEADERS = {
  'cache-control': 'public, max-age=31536000, immutable',
  // The document (about:blank's origin) loads a font from another origin: CORS applies to fonts.
  'access-control-allow-origin': '*',
};

function answerFromMemoryOnly(request: HTTPRequest, onFontServed: () => void): void {
  if (request.isInterceptResolutionHandled()) return;
  const font = fontAt(request.url());
  if (font) {
    onFontServed();
    void request.respond({
      status: 200,
      contentType: 'font/woff2',
      headers: FONT_HEADERS,
      body: font,
    });
  } else if (isInlinedAsset(request.url())) {
    void request.continue();
  } else if (request.isNavigationRequest()) {
    // "204 No Content" cancels a navigation and keeps the current document, where an abort would
    // replace it with an error page (a meta refresh would otherwise unload what we print).
    void request.respond({ status: 204 });
  } else {
    void request.abort('blockedbyclient');
  }
}

/** Only `data:` URLs, and the blank page Chromium starts from, may load. */
export function isInlinedAsset(url: string): boolean {
  const scheme = url.slice(0, url.indexOf(':') + 1).toLowerCase();
  return scheme === 'data:' || url === 'about:blank';
}

/**
 * The only variables Chromium inherits: what it needs to find its libraries, fonts, home and
 * temp dir. Nothing else reaches it, above all not the function's AWS credentials
 * (`AWS_ACCESS_KEY_ID`, `AWS_SESSION_TOKEN`…) nor its table names: a renderer compromised by
 * hostile HTML must hold no key to the account.
 */
export const CHROMIUM_ENVIRONMENT = [
  'PATH',
  'HOME',
  'TMPDIR',
  'LD_LIBRARY_PATH',
  'FONTCONFIG_PATH',
  'LANG',
  'LC_ALL',
  'TZ',
] as const;

/**
 * Chromium's environment: {@link CHROMIUM_ENVIRONMENT} only, and fontconfig reading
 * `@sparticuz/chromium`'s own fonts.conf (its bundled Open Sans plus /var/task/fonts, /opt/fonts)
 * instead of the machine's, so fallback text looks the same on a build machine as in Lambda,
 * where there are no system fonts.
 */
export function chromiumEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  fontsDir = join(tmpdir(), 'fonts'),
): NodeJS.ProcessEnv {
  const minimal: NodeJS.ProcessEnv = {};
  for (const name of CHROMIUM_ENVIRONMENT) {
    if (env[name] !== undefined) minimal[name] = env[name];
  }
  if (minimal.FONTCONFIG_PATH === undefined && existsSync(join(fontsDir, 'fonts.conf'))) {
    minimal.FONTCONFIG_PATH = fontsDir;
  }
  return minimal;
}
