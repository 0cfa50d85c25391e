/**
 * What the CLI and the one-machine runtime share: district profiles, the local signing
 * identity and a warm printer, built once and only when a command needs them.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDistrictDirectory } from '../adapters/district-files.ts';
import type { DistrictDirectory } from '../core/district.ts';
import { launchPrinter } from '../render/chromium.ts';
import { DocumentEngine } from '../render/engine.ts';
import type { PdfPrinter } from '../render/ports.ts';
import { loadLocalSigner } from '../render/signing/index.ts';

/** The project's git-ignored state folder (`IEP_STATE_DIR` to move it). */
export function stateDir(env: NodeJS.ProcessEnv): string {
  return env.IEP_STATE_DIR ?? fileURLToPath(new URL('../../.local/', import.meta.url));
}

export interface CliContext {
  districts: DistrictDirectory;
  /** The engine, launched on first use (Chromium starts only when something is rendered). */
  engine(): Promise<DocumentEngine>;
  close(): Promise<void>;
}

export function createCliContext(env: NodeJS.ProcessEnv, log: (line: string) => void): CliContext {
  const districts = loadDistrictDirectory(env.IEP_DISTRICTS_DIR || undefined);
  let printer: PdfPrinter | undefined;
  let engine: Promise<DocumentEngine> | undefined;
  return {
    districts,
    engine() {
      engine ??= (async () => {
        const signer = await loadLocalSigner({
          keyPath: env.IEP_SIGNING_KEY || undefined,
          certPath: env.IEP_SIGNING_CERT || undefined,
          devDir: join(stateDir(env), 'signing'),
          onCreate: (path: string) =>
            log(
              `created a DEVELOPMENT signing identity in ${path} (set IEP_SIGNING_KEY and IEP_SIGNING_CERT for a real one)`,
            ),
        });
        printer = await launchPrinter();
        return new DocumentEngine({ printer, signer, districts, clock: () => new Date() });
      })();
      return engine;
    },
    async close() {
      await printer?.close();
    },
  };
}
