/**
 * HTML → PDF with `@sparticuz/chromium` and `puppeteer-core`, the network locked out.
 *
 * One warm browser per printer and one reused page with JavaScript off; the product's fonts are
 * answered from memory (`fonts.ts`), and every other request that is not a `data:` URL is aborted. A page that fails or hangs is closed and replaced, a browser that
 * crashed is relaunched on the next print. Prints on one printer run one at a time.
 */
import chromium from '@sparticuz/chromium';
import puppeteer, { type Browser, type Page, type PDFOptions } from 'puppeteer-core';
import { chromiumExecutable } from './chromium-binary.ts';
import { printerChromiumFlags } from './chromium-flags.ts';
import { chromiumEnvironment, lockedDownPage } from './chromium-lockdown.ts';
import type { PdfPrinter, PrintJob } from './ports.ts';

export { INSECURE_FLAGS, printerChromiumFlags, UNREACHABLE_PROXY } from './chromium-flags.ts';
export {
  CHROMIUM_ENVIRONMENT,
  chromiumEnvironment,
  isInlinedAsset,
} from './chromium-lockdown.ts';

/** How long one print (load the HTML and render the PDF) may take before the page is replaced. */
export const DEFAULT_PRINT_TIMEOUT_MS = 30_000;

/** How long closing a hung page may take before the whole browser is killed instead. */
const PAGE_CLOSE_GRACE_MS = 2_000;

/**
 * Prints between two memory-pressure signals to Chromium. Its caches grow with every document
 * and the signal makes it release them at no measurable cost per print (docs/scale.md).
 */
export const MEMORY_RELIEF_EVERY = 25;

/** Page margins of every document: room above and below for the running header and footer. */
export const PAGE_MARGINS = { top: '0.9in', bottom: '0.9in', left: '0.75in', right: '0.75in' };

/** Options of {@link launchPrinter}. */
export interface LaunchPrinterOptions {
  /** Per print; the page is discarded when exceeded. {@link DEFAULT_PRINT_TIMEOUT_MS} by default. */
  printTimeoutMs?: number;
  /** A Chromium binary; by default `@sparticuz/chromium`'s, unpacked whole to the temp dir (chromium-binary.ts). */
  executablePath?: string;
  /** Prints between memory-pressure signals; {@link MEMORY_RELIEF_EVERY} by default. */
  memoryReliefEvery?: number;
}

/** A print took longer than the printer's `printTimeoutMs`. */
export class PrintTimedOut extends Error {
  constructor(readonly timeoutMs: number) {
    super(`print did not finish within ${timeoutMs} ms`);
    this.name = 'PrintTimedOut';
  }
}

/** `print` was called after `close`. */
export class PrinterClosed extends Error {
  constructor() {
    super('printer is closed');
    this.name = 'PrinterClosed';
  }
}

/**
 * The `page.pdf` options of every document: Letter, tagged, with outline. No Chromium header
 * and footer templates: a document's running header and footer are its own `@page` margin boxes.
 */
export function pdfOptions(timeoutMs: number): PDFOptions {
  return {
    format: 'Letter',
    printBackground: true,
    displayHeaderFooter: false,
    margin: PAGE_MARGINS,
    tagged: true,
    outline: true,
    preferCSSPageSize: false,
    timeout: timeoutMs,
  };
}

/**
 * Starts Chromium and returns a printer that keeps it warm. Call `close()` when done; a Lambda
 * container keeps one printer for its lifetime.
 */
export async function launchPrinter(options: LaunchPrinterOptions = {}): Promise<ChromiumPrinter> {
  const executablePath = options.executablePath ?? (await chromiumExecutable());
  const printer = new ChromiumPrinter(
    executablePath,
    options.printTimeoutMs ?? DEFAULT_PRINT_TIMEOUT_MS,
    options.memoryReliefEvery ?? MEMORY_RELIEF_EVERY,
  );
  await printer.warmUp();
  return printer;
}

/** The {@link PdfPrinter} over one Chromium; made by {@link launchPrinter}. */
export class ChromiumPrinter implements PdfPrinter {
  #browser: Browser | undefined;
  #page: Page | undefined;
  /** Pages that reported a crash: never printed on again. */
  #crashedPages = new WeakSet<Page>();
  #closed = false;
  /** Tail of the print queue: each print starts when the previous one settled. */
  #queue: Promise<unknown> = Promise.resolve();
  #printsSinceRelief = 0;
  #memoryReliefs = 0;
  #fontsServed = 0;

  constructor(
    private readonly executablePath: string,
    private readonly printTimeoutMs: number,
    private readonly memoryReliefEvery: number = MEMORY_RELIEF_EVERY,
  ) {}

  /** How many memory-pressure signals this printer sent Chromium (for diagnostics and tests). */
  get memoryReliefs(): number {
    return this.#memoryReliefs;
  }

  /** How many font files this printer handed Chromium (once per face while its cache keeps it). */
  get fontsServed(): number {
    return this.#fontsServed;
  }

  /** The browser's process id while it runs (for diagnostics and crash tests). */
  get browserProcessId(): number | undefined {
    return this.#browser?.connected ? this.#browser.process()?.pid : undefined;
  }

  /** Launches the browser and opens the page now instead of on the first print. */
  async warmUp(): Promise<void> {
    await this.#enqueue(() => this.#readyPage());
  }

  /** Prints `job.html` to PDF bytes; rejects with {@link PrintTimedOut} when it hangs. */
  print(job: PrintJob): Promise<Uint8Array> {
    return this.#enqueue(() => this.#printNow(job));
  }

  /** Closes the browser; later prints reject with {@link PrinterClosed}. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    await this.#closeBrowser();
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#closed) throw new PrinterClosed();
      return task();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #printNow(job: PrintJob): Promise<Uint8Array> {
    try {
      return await this.#printOnce(job);
    } catch (error) {
      if (error instanceof PrintTimedOut || (await this.#browserAlive())) throw error;
      // The browser died before or under this print (crash, killed for memory) and we learnt it
      // only now: the job is a pure function of its HTML, so print it once more on a new browser.
      this.#killBrowser();
      return this.#printOnce(job);
    }
  }

  async #browserAlive(): Promise<boolean> {
    const browser = this.#browser;
    if (browser === undefined || !browser.connected) return false;
    let alive = false;
    await settlesWithin(
      browser.version().then(() => {
        alive = true;
      }),
      PAGE_CLOSE_GRACE_MS,
    );
    return alive && browser.connected;
  }

  async #printOnce(job: PrintJob): Promise<Uint8Array> {
    const page = await this.#readyPage();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PrintTimedOut(this.printTimeoutMs)), this.printTimeoutMs);
    });
    const rendering = this.#render(page, job);
    try {
      return await Promise.race([rendering, timedOut]);
    } catch (error) {
      rendering.catch(() => undefined);
      await this.#discardPage(page);
      if (error instanceof PrintTimedOut) throw error;
      throw new Error('print document', { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async #render(page: Page, job: PrintJob): Promise<Uint8Array> {
    await page.setContent(job.html, { waitUntil: 'load', timeout: this.printTimeoutMs });
    const pdf = await page.pdf(pdfOptions(this.printTimeoutMs));
    if (this.#crashedPages.has(page)) throw new Error('page crashed while printing');
    if (++this.#printsSinceRelief >= this.memoryReliefEvery) {
      this.#printsSinceRelief = 0;
      if (await relieveMemory(page)) this.#memoryReliefs += 1;
    }
    return pdf;
  }

  async #readyPage(): Promise<Page> {
    if (!this.#browser?.connected) {
      await this.#closeBrowser();
      this.#browser = await this.#launchBrowser();
    }
    if (this.#page === undefined || this.#page.isClosed() || this.#crashedPages.has(this.#page)) {
      if (this.#page !== undefined) await this.#discardPage(this.#page);
      this.#page = await lockedDownPage(
        this.#browser,
        (page) => this.#crashedPages.add(page),
        () => {
          this.#fontsServed += 1;
        },
      );
    }
    return this.#page;
  }

  async #launchBrowser(): Promise<Browser> {
    const launching = puppeteer.launch({
      executablePath: this.executablePath,
      // `printerChromiumFlags` is the whole command line; puppeteer's defaults are not wanted.
      ignoreDefaultArgs: true,
      args: [...printerChromiumFlags(chromium.args), 'about:blank'],
      headless: 'shell',
      // A pipe, not a TCP debugging port that other local processes could connect to.
      pipe: true,
      env: chromiumEnvironment(),
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      protocolTimeout: this.printTimeoutMs + PAGE_CLOSE_GRACE_MS,
    });
    try {
      return await launching;
    } catch (error) {
      throw new Error('launch Chromium', { cause: error });
    }
  }

  /** Closes a page that failed or hung; kills the browser when even that does not finish. */
  async #discardPage(page: Page): Promise<void> {
    if (this.#page === page) this.#page = undefined;
    const closed = await settlesWithin(page.close(), PAGE_CLOSE_GRACE_MS);
    if (!closed) this.#killBrowser();
  }

  #killBrowser(): void {
    this.#browser?.process()?.kill('SIGKILL');
    this.#browser = undefined;
    this.#page = undefined;
  }

  async #closeBrowser(): Promise<void> {
    const browser = this.#browser;
    this.#browser = undefined;
    this.#page = undefined;
    if (browser === undefined) return;
    const closed = browser.connected && (await settlesWithin(browser.close(), PAGE_CLOSE_GRACE_MS));
    if (!closed) browser.process()?.kill('SIGKILL');
  }
}

/**
 * Tells Chromium memory is critically short, so it drops its caches (decoded fonts and images,
 * the memory cache). False when the signal could not be sent: the print itself succeeded.
 */
async function relieveMemory(page: Page): Promise<boolean> {
  try {
    const session = await page.createCDPSession();
    try {
      await session.send('Memory.simulatePressureNotification', { level: 'critical' });
      return true;
    } finally {
      await session.detach().catch(() => undefined);
    }
  } catch {
    return false;
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
