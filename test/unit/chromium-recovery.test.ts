import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChromiumPrinter,
  launchPrinter,
  PrinterClosed,
  PrintTimedOut,
} from '../../functions/render/chromium.ts';
import { readPdf } from './chromium-pdf-reader.ts';

function job(marker: string) {
  return {
    html: `<!doctype html><html lang="en"><body><h1>${marker}</h1></body></html>`,
  };
}

function runningProcessId(printer: ChromiumPrinter): number {
  const pid = printer.browserProcessId;
  if (pid === undefined) throw new Error('the printer has no running browser');
  return pid;
}

describe('the Chromium printer recovers', () => {
  let printer: ChromiumPrinter;

  beforeAll(async () => {
    printer = await launchPrinter({ printTimeoutMs: 4_000 });
  });

  afterAll(async () => {
    await printer?.close();
  });

  it('relaunches a browser that was killed and prints the next document', async () => {
    // Prepare
    await printer.print(job('BEFORE-CRASH'));
    const crashed = runningProcessId(printer);
    process.kill(crashed, 'SIGKILL');

    // Act
    const pdf = await printer.print(job('AFTER-CRASH'));

    // Assess
    expect((await readPdf(pdf)).text).toContain('AFTER-CRASH');
    expect(runningProcessId(printer)).not.toBe(crashed);
  });

  it('gives up on a print that hangs and stays usable', async () => {
    // Prepare: a stopped browser answers nothing, as a hung renderer would.
    const hung = runningProcessId(printer);
    process.kill(hung, 'SIGSTOP');

    // Act
    const hungPrint = await printer.print(job('NEVER-PRINTED')).catch((error: unknown) => error);
    const nextPdf = await printer.print(job('AFTER-HANG'));

    // Assess
    expect(hungPrint).toBeInstanceOf(PrintTimedOut);
    expect((await readPdf(nextPdf)).text).toContain('AFTER-HANG');
    expect(runningProcessId(printer)).not.toBe(hung);
  });

  it('refuses to print once closed', async () => {
    // Prepare
    const closing = await launchPrinter();
    await closing.close();

    // Act
    const refused = await closing.print(job('TOO-LATE')).catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(PrinterClosed);
    expect(closing.browserProcessId).toBeUndefined();
  });
});
