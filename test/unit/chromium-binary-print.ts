/**
 * Child process of chromium-binary.test.ts: launches the printer as the product does (the
 * binary from `@sparticuz/chromium` in this process's TMPDIR) and prints one page.
 */
import { launchPrinter } from '../../functions/render/chromium.ts';

const printer = await launchPrinter();
try {
  const pdf = await printer.print({ html: '<!doctype html><html lang="en"><p>ok</p></html>' });
  process.stdout.write(`printed ${Buffer.from(pdf.subarray(0, 5)).toString('latin1')}\n`);
} finally {
  await printer.close();
}
