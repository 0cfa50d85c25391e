/**
 * Trust anchors from configuration: each district profile's `signing.trustAnchors` (PEM
 * files beside the profiles, or `"development-ca"`: the local development root in the
 * state folder) and any `--trust` PEM files the verifier adds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { DistrictDirectory } from '../core/district.ts';
import { fromPem } from '../render/signing/certificates.ts';
import { DEVELOPMENT_ROOT_FILE, type TrustAnchor } from '../render/signing/index.ts';

/** The keyword naming the local development CA in a profile. */
export const DEVELOPMENT_CA_ANCHOR = 'development-ca';

/** Where anchors are read from. */
export interface TrustAnchorSources {
  districts: DistrictDirectory;
  /** The profiles' folder: anchor paths are relative to it. */
  districtsDir: string;
  /** The local state folder (its `signing/` holds the development root). */
  stateDir: string;
  /** Extra PEM files (`--trust`). */
  extra?: readonly string[];
}

function readPem(file: string, what: string): Buffer[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${what}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code}`);
  }
  const certificates = fromPem(text);
  if (certificates.length === 0) throw new Error(`${what}: no PEM certificate in ${file}`);
  return certificates;
}

/** Every anchor the profiles and the extra files name; throws naming a missing file. */
export function loadTrustAnchors(sources: TrustAnchorSources): TrustAnchor[] {
  const anchors: TrustAnchor[] = [];
  for (const id of sources.districts.ids) {
    const signing = sources.districts.get(id).signing;
    for (const entry of signing.trustAnchors) {
      const what = `district profile ${id}: signing.trustAnchors`;
      let files: string[];
      if (entry === DEVELOPMENT_CA_ANCHOR) {
        const root = join(sources.stateDir, 'signing', DEVELOPMENT_ROOT_FILE);
        // No development CA generated on this machine yet: nothing it could have signed.
        files = existsSync(root) ? [root] : [];
      } else {
        files = [isAbsolute(entry) ? entry : resolve(sources.districtsDir, entry)];
      }
      for (const file of files)
        for (const certificate of readPem(file, what))
          anchors.push({
            certificate,
            source: `district profile ${id}`,
            requireDocumentSigningEku: signing.requireDocumentSigningEku,
          });
    }
  }
  for (const file of sources.extra ?? [])
    for (const certificate of readPem(file, '--trust'))
      anchors.push({ certificate, source: `--trust ${file}` });
  return anchors;
}
