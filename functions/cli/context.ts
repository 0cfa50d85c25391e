/**
 * What the CLI and the one-machine runtime share: district profiles, the local signing
 * identity and a warm printer, built once and only when a command needs them.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDistrictDirectory } from '../adapters/district-files.ts';
import { ENV } from '../contract/environment.ts';
import type { DistrictDirectory } from '../core/district.ts';
import { launchPrinter } from '../render/chromium.ts';
import { DocumentEngine, type SigningTrust } from '../render/engine.ts';
import type { PdfPrinter } from '../render/ports.ts';
import { type LocalSigner, loadLocalSigner } from '../render/signing/index.ts';
import { configuredTrust } from './signing-trust.ts';

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

/** Trust services started for the loaded signer (the local runtime's TSA and CRL). */
export type TrustServicesHook = (
  signer: LocalSigner,
) => Promise<{ trust: SigningTrust; close(): Promise<void> }>;

/** What the one-machine runtime adds to the CLI's parts. */
export interface CliContextOptions {
  trustServices?: TrustServicesHook;
  /** The engine's clock (signing time): the runtime gives its `--today` clock, as to every service. */
  clock?: () => Date;
}

export function createCliContext(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  options: CliContextOptions = {},
): CliContext {
  const districts = loadDistrictDirectory(env[ENV.districtsDir] || undefined);
  let printer: PdfPrinter | undefined;
  let services: { close(): Promise<void> } | undefined;
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
        let trust = configuredTrust(signer, env);
        if (options.trustServices) {
          const started = await options.trustServices(signer);
          services = started;
          trust = started.trust;
        }
        printer = await launchPrinter();
        const clock = options.clock ?? (() => new Date());
        return new DocumentEngine({ printer, signer, districts, clock, trust });
      })();
      return engine;
    },
    async close() {
      await services?.close();
      await printer?.close();
    },
  };
}
