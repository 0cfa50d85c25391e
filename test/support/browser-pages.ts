/**
 * A browser for page tests: the project's own Chromium driven by puppeteer-core, a printer on
 * it (so a file runs one Chromium), and axe-core's WCAG 2.1 A/AA check with a screenshot of
 * each state under out/screenshots/<folder>/ (gitignored) for review.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { expect } from 'vitest';
import type { PdfPrinter } from '../../functions/render/ports.ts';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Launches the browser; `shots` names the screenshots' folder. */
export async function launchPageBrowser(shots: string) {
  const dir = join(process.cwd(), 'out', 'screenshots', shots);
  mkdirSync(dir, { recursive: true });
  const browser: Browser = await puppeteer.launch({
    executablePath: await chromium.executablePath(),
    headless: 'shell',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  const printer: PdfPrinter = {
    async print(job) {
      const page = await browser.newPage();
      try {
        await page.setJavaScriptEnabled(false);
        await page.setContent(job.html, { waitUntil: 'load' });
        return await page.pdf({ format: 'Letter', printBackground: true, tagged: true });
      } finally {
        await page.close();
      }
    },
    close: () => Promise.resolve(),
  };
  /** A page that lets axe-core in: the pages' CSP refuses every script, as it should. */
  const newPage = async (): Promise<Page> => {
    const page = await browser.newPage();
    await page.setBypassCSP(true);
    return page;
  };
  /** Asserts no axe-core WCAG 2.1 A/AA violation, and writes a screenshot of the state. */
  const audit = async (page: Page, state: string) => {
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => {
      const axe = (
        globalThis as unknown as {
          axe: { run(o: object): Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
        }
      ).axe;
      const result = await axe.run({
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      });
      return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
    });
    await page.screenshot({ path: join(dir, `${state}.png`), fullPage: true });
    expect(violations, `axe violations in state ${state}`).toEqual([]);
  };
  return { browser, printer, newPage, audit };
}
