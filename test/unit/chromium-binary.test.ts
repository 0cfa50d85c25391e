/**
 * The Chromium binary is launched whole or not at all (functions/render/chromium-binary.ts):
 * a truncated `chromium` left in the temp dir by a process killed mid-unpack is unpacked again
 * instead of being launched. Every file here is in the test's own temp dir: the machine's
 * shared `/tmp/chromium` (other processes may be running it) is never touched.
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { copyFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createBrotliDecompress } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isCompleteElf,
  sparticuzBinDir,
  unpackAtomically,
} from '../../functions/render/chromium-binary.ts';

const dir = mkdtempSync(join(tmpdir(), 'iep-chromium-binary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first `bytes` of the packaged Chromium: what an unpack killed part-way leaves. */
async function truncatedChromium(path: string, bytes: number): Promise<void> {
  const out = createWriteStream(path, { mode: 0o700 });
  const source = createReadStream(join(sparticuzBinDir(), 'chromium.br'));
  const inflating = source.pipe(createBrotliDecompress());
  let written = 0;
  await new Promise<void>((done, fail) => {
    inflating.on('data', (chunk: Buffer) => {
      const part = chunk.subarray(0, Math.max(0, bytes - written));
      written += part.length;
      out.write(part);
      if (written >= bytes) {
        source.destroy();
        inflating.destroy();
        out.end(done);
      }
    });
    inflating.once('error', fail);
  });
}

describe('isCompleteElf', () => {
  it('accepts a whole ELF binary and rejects it cut short, missing, or not ELF', async () => {
    // Prepare: the Node binary (an ELF file like Chromium) and copies of it.
    const whole = join(dir, 'node-copy');
    const cut = join(dir, 'node-cut');
    const text = join(dir, 'text');
    await copyFile(process.execPath, whole);
    await copyFile(process.execPath, cut);
    await truncate(cut, 4 << 20);
    await writeFile(text, '#!/bin/sh\necho not chromium\n');

    // Act + Assess
    expect(await isCompleteElf(whole)).toBe(true);
    expect(await isCompleteElf(cut)).toBe(false);
    expect(await isCompleteElf(join(dir, 'missing'))).toBe(false);
    expect(await isCompleteElf(text)).toBe(false);
  });
});

describe('unpackAtomically', () => {
  it('leaves the target as it was, and no partial file, when the archive is not brotli', async () => {
    // Prepare
    const work = mkdtempSync(join(dir, 'bad-'));
    const archive = join(work, 'chromium.br');
    const target = join(work, 'chromium');
    await writeFile(archive, 'not brotli at all');
    await writeFile(target, 'previous');

    // Act
    const unpacking = unpackAtomically(archive, target);

    // Assess
    await expect(unpacking).rejects.toThrow(`unpack ${archive} to ${target}`);
    expect(await readFile(target, 'utf8')).toBe('previous');
    expect(readdirSync(work).sort()).toEqual(['chromium', 'chromium.br']);
  });
});

describe('a truncated Chromium in the temp dir', () => {
  it('is unpacked again, and the printer launches and prints', async () => {
    // Prepare: the temp dir of a process killed while @sparticuz/chromium unpacked the binary.
    const ownTmp = mkdtempSync(join(dir, 'tmp-'));
    const binary = join(ownTmp, 'chromium');
    await truncatedChromium(binary, 16 << 20);
    expect(await isCompleteElf(binary)).toBe(false);
    const script = fileURLToPath(new URL('./chromium-binary-print.ts', import.meta.url));

    // Act: a fresh process whose temp dir is that one launches the printer the default way.
    const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, TMPDIR: ownTmp },
      encoding: 'utf8',
    }).catch((error: { stdout: string; stderr: string }) => error);

    // Assess: it printed a PDF from a whole binary, under the same name.
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^printed %PDF-/);
    expect(await isCompleteElf(binary)).toBe(true);
    expect(readdirSync(ownTmp).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});
