/**
 * District profiles from configuration files: one JSON file per district in a folder
 * (`config/districts/` by default, `IEP_DISTRICTS_DIR` to change it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DistrictDirectory } from '../core/district.ts';

/** The repository's `config/districts/` folder. */
export const DEFAULT_DISTRICTS_DIR = fileURLToPath(
  new URL('../../config/districts/', import.meta.url),
);

/** Reads every `*.json` profile of `dir`, naming the file of a profile that is wrong. */
export function loadDistrictDirectory(dir: string = DEFAULT_DISTRICTS_DIR): DistrictDirectory {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const raw = files.map((file) => {
    try {
      return JSON.parse(readFileSync(join(dir, file), 'utf8')) as unknown;
    } catch (error) {
      throw new Error(
        `district profile ${join(dir, file)}: not valid JSON: ${(error as Error).message}`,
      );
    }
  });
  // Each file on its own first, so an error names the file (and the field) to fix.
  files.forEach((file, i) => {
    try {
      DistrictDirectory.parse([raw[i]]);
    } catch (error) {
      const detail = (error as Error).message.replace(/^district profile #1 is invalid: /, '');
      throw new Error(`district profile ${join(dir, file)} is invalid: ${detail}`);
    }
  });
  try {
    return DistrictDirectory.parse(raw);
  } catch (error) {
    throw new Error(`district profiles in ${dir}: ${(error as Error).message}`);
  }
}
