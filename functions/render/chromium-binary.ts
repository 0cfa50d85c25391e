/**
 * The Chromium binary, unpacked whole or not at all.
 *
 * `@sparticuz/chromium` brotli-decompresses its binary straight to `<tmpdir>/chromium` and, on
 * every later call, returns that path whenever the file exists. A process killed mid-unpack (a
 * crash test's SIGKILL, a Lambda cold start cut off by its timeout: Lambda keeps /tmp for the
 * next invocation) leaves a truncated file that every later launch in that /tmp reuses and fails
 * on; a second process starting during the unpack launches the half-written file. So the path it
 * returns is checked (an ELF file ends with its section header table: a truncated one is
 * shorter) and, when incomplete, unpacked again to a private temporary name and renamed over it:
 * the rename is atomic, so no process ever sees a partial binary under the final name.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import chromium from '@sparticuz/chromium';

/** The folder of `@sparticuz/chromium`'s brotli archives (`chromium.br`…), in node_modules or a layer. */
export function sparticuzBinDir(): string {
  // `require.resolve` honours NODE_PATH, where Lambda puts the layer's node_modules.
  const main = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  return join(dirname(main), '..', '..', 'bin');
}

/**
 * True when `path` is a whole 64-bit little-endian ELF file: at least as long as the end of its
 * section header table, which linkers write last. False for a missing, truncated or foreign file.
 */
export async function isCompleteElf(path: string): Promise<boolean> {
  let file: Awaited<ReturnType<typeof open>> | undefined;
  try {
    file = await open(path, 'r');
    const header = Buffer.alloc(64);
    const { bytesRead } = await file.read(header, 0, 64, 0);
    if (bytesRead < 64 || header.readUInt32BE(0) !== 0x7f454c46) return false;
    if (header[4] !== 2 || header[5] !== 1) return false; // ELFCLASS64, little-endian
    const sectionHeaders = Number(header.readBigUInt64LE(0x28));
    const entrySize = header.readUInt16LE(0x3a);
    const entries = Math.max(1, header.readUInt16LE(0x3c));
    if (sectionHeaders === 0) return false;
    const { size } = await file.stat();
    return size >= sectionHeaders + entrySize * entries;
  } catch {
    return false;
  } finally {
    await file?.close();
  }
}

/**
 * Decompresses `archive` (brotli) to `target` through a temporary file beside it, renamed over
 * `target` once complete: `target` is either absent, the old file, or the whole new one.
 */
export async function unpackAtomically(archive: string, target: string): Promise<void> {
  const partial = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.partial`;
  try {
    await pipeline(
      createReadStream(archive),
      createBrotliDecompress({ chunkSize: 2 ** 21 }),
      createWriteStream(partial, { mode: 0o700 }),
    );
    // No fsync: the rename guards against a killed process, not against a power cut of /tmp.
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw new Error(`unpack ${archive} to ${target}`, { cause: error });
  }
}

/** Options of {@link chromiumExecutable}. */
export interface ChromiumExecutableOptions {
  /** Where `@sparticuz/chromium` unpacks (its `executablePath()`, `<tmpdir>/chromium` by default). */
  unpacked?: () => Promise<string>;
  /** The folder holding `chromium.br`; {@link sparticuzBinDir} by default. */
  binDir?: string;
}

/**
 * The path of a whole Chromium binary: `@sparticuz/chromium`'s (which also unpacks its fonts on
 * first use), unpacked again atomically when what it left there is incomplete.
 */
export async function chromiumExecutable(options: ChromiumExecutableOptions = {}): Promise<string> {
  const path = await (options.unpacked ?? (() => chromium.executablePath()))();
  if (await isCompleteElf(path)) return path;
  await unpackAtomically(join(options.binDir ?? sparticuzBinDir(), 'chromium.br'), path);
  if (!(await isCompleteElf(path))) throw new Error(`${path} is still incomplete after unpacking`);
  return path;
}
