/**
 * The Lambda bundles of a cloud assembly: each one's size, and how long a fresh Node process
 * takes to load it (`--enable-source-maps`, as the functions run), the module-load part of a
 * cold start. Usage: `npx tsx bench/bundle-cold-start.ts [cdk.out] [runs]` (default cdk.out, 5).
 * Prints one JSON line per bundle: name, bytes of index.mjs and its map, median and min load ms
 * with `--enable-source-maps` and without it (Node then reads and parses the map at load).
 *
 * Each bundle is loaded from a temporary copy in which modules the function gets from a layer
 * (@sparticuz/chromium) resolve to this repository's node_modules. Figures go in docs/scale.md.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const LAYER_MODULES = ['@sparticuz/chromium'];

const outdir = resolve(process.argv[2] ?? 'cdk.out');
const runs = Number(process.argv[3] ?? 5);
const manifest = JSON.parse(readFileSync(join(outdir, 'IepDocs.assets.json'), 'utf8')) as {
  files: Record<string, { displayName?: string; source: { path: string; packaging?: string } }>;
};
const bundles = Object.values(manifest.files).filter(
  (f) => f.source.packaging === 'zip' && existsSync(join(outdir, f.source.path, 'index.mjs')),
);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

for (const file of bundles) {
  const source = join(outdir, file.source.path);
  const copy = mkdtempSync(join(tmpdir(), 'iep-bundle-'));
  cpSync(source, copy, { recursive: true });
  for (const name of LAYER_MODULES) {
    const target = join(copy, 'node_modules', name);
    if (existsSync(target)) continue;
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(resolve('node_modules', name), target);
  }
  const entry = pathToFileURL(join(copy, 'index.mjs')).href;
  const script = `const t0 = performance.now(); await import(${JSON.stringify(entry)}); process.stdout.write(String(performance.now() - t0));`;
  const load = (flags: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const out = execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
        env: { ...process.env, AWS_REGION: 'us-east-1' },
        encoding: 'utf8',
      });
      times.push(Number(out));
    }
    return { median: Math.round(median(times)), min: Math.round(Math.min(...times)) };
  };
  const withMaps = load(['--enable-source-maps']);
  const without = load([]);
  const map = join(source, 'index.mjs.map');
  console.log(
    JSON.stringify({
      bundle: file.displayName ?? file.source.path,
      bytes: statSync(join(source, 'index.mjs')).size,
      mapBytes: existsSync(map) ? statSync(map).size : 0,
      loadMs: withMaps,
      loadMsWithoutSourceMaps: without,
    }),
  );
  rmSync(copy, { recursive: true, force: true });
}
