import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FONT_PACKAGES } from '../../functions/render/fonts.ts';
import { type Synthesized, synthesizedAssembly } from './assembly.ts';
import { projectRoot } from './build-stack.ts';

let outdir: string;
let synth: Synthesized;

/** The asset folders of the assembly, by the path of the construct that owns them. */
function assetDirs(): Record<string, string> {
  const metadata = JSON.parse(readFileSync(join(outdir, 'IepDocs.assets.json'), 'utf8')) as {
    files: Record<string, { displayName?: string; source: { path: string; packaging?: string } }>;
  };
  return Object.fromEntries(
    Object.values(metadata.files)
      .filter((file) => file.source.packaging === 'zip')
      .map((file) => [file.displayName ?? file.source.path, join(outdir, file.source.path)]),
  );
}

beforeAll(async () => {
  synth = await synthesizedAssembly();
  outdir = synth.outdir;
}, 380_000);

describe('synth', () => {
  it('succeeds through the CLI with no AWS credentials, cdk-nag finding nothing unacknowledged', () => {
    // A spawn failure or the timeout (spawnSync kills `cdk synth`, status null) named as such.
    expect(synth.error?.message).toBeUndefined();
    expect(synth.stderr).not.toMatch(/ERROR/);
    expect(synth.status).toBe(0);
    // No warning either: minified bundles (esbuild's size warnings) and every feature flag the
    // current CDK recommends set in cdk.json.
    expect(`${synth.stdout}${synth.stderr}`).not.toMatch(
      /⚠|warning|feature flags are not configured/i,
    );
    const template = JSON.parse(readFileSync(join(outdir, 'IepDocs.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types).toContain('AWS::Lambda::EventSourceMapping');
    expect(types).toContain('AWS::Lambda::LayerVersion');
  });

  it('bundles the renderer as ESM with templates, district profiles and fonts beside it', () => {
    const renderer = Object.entries(assetDirs()).find(([name]) => name.includes('RenderDocuments'));
    expect(renderer).toBeDefined();
    const dir = renderer?.[1] ?? '';
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code).toMatch(/from\s*["']@sparticuz\/chromium["']/);
    expect(existsSync(join(dir, 'templates', 'iep.hbs'))).toBe(true);
    expect(readdirSync(join(dir, 'districts'))).toContain('example-usd.json');
    for (const { pkg, weights } of FONT_PACKAGES) {
      const fontDir = join(dir, 'node_modules', pkg);
      expect(existsSync(join(fontDir, 'package.json'))).toBe(true);
      for (const weight of weights) expect(existsSync(join(fontDir, `${weight}.css`))).toBe(true);
      // Only the woff2 faces of the weights used: the whole CJK packages would not fit Lambda.
      const files = readdirSync(join(fontDir, 'files'));
      expect(files.length).toBeGreaterThan(0);
      expect(files.every((file) => weights.some((w) => file.endsWith(`-${w}-normal.woff2`)))).toBe(
        true,
      );
    }
  });

  it('ships the V8 limits wrapper, executable, beside the code of the functions that print', () => {
    const dirs = Object.entries(assetDirs());
    for (const name of ['RenderDocuments', 'Regenerate', 'ReviewSweep']) {
      const dir = dirs.find(([asset]) => asset.includes(name))?.[1];
      expect(dir, name).toBeDefined();
      const mode = statSync(join(dir ?? '', 'v8-limits.sh')).mode;
      expect(mode & 0o111, name).toBe(0o111);
    }
    const download = dirs.find(([asset]) => asset.includes('Download'))?.[1];
    expect(existsSync(join(download ?? '', 'v8-limits.sh'))).toBe(false);
  });

  it('stages @sparticuz/chromium and its dependencies as a layer under nodejs/node_modules', () => {
    const layer = Object.entries(assetDirs()).find(([name]) => name.includes('Chromium'));
    expect(layer).toBeDefined();
    const modules = join(layer?.[1] ?? '', 'nodejs', 'node_modules');
    expect(existsSync(join(modules, '@sparticuz', 'chromium', 'bin', 'chromium.br'))).toBe(true);
    expect(existsSync(join(modules, 'tar-fs', 'package.json'))).toBe(true);
    expect(existsSync(join(modules, 'follow-redirects', 'package.json'))).toBe(true);
  });
});

describe('cdk.json', () => {
  it('runs the app with tsx and turns notices and telemetry off so synth never waits on the network', () => {
    const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
      app: string;
      notices: boolean;
      context: Record<string, unknown>;
    };
    expect(cdkJson.app).toBe('npx tsx infra/app.ts');
    expect(cdkJson.notices).toBe(false);
    expect(cdkJson.context['cli-telemetry']).toBe(false);
  });
});
