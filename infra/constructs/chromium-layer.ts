/**
 * `@sparticuz/chromium` as a Lambda layer, built from the installed node_modules without network
 * or Docker: the package and its runtime dependencies are copied to `nodejs/node_modules/`,
 * which Lambda puts on the Node.js module path. esbuild leaves the package out of the bundle
 * (it finds its brotli-compressed binaries relative to its own files).
 */
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The package the layer carries. */
export const CHROMIUM_PACKAGE = '@sparticuz/chromium';

/** Bumped when the layer's layout changes, so the asset hash changes with it. */
const LAYOUT_VERSION = 1;

interface PackageJson {
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** The folder of package `name` as Node resolves it from `fromDir`, or undefined. */
function findPackageDir(name: string, fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/**
 * The package and its runtime dependency closure: installed folder → name. A missing optional
 * dependency is skipped (npm skips it too); a missing required one is an error.
 */
export function dependencyClosure(name: string, projectRoot: string): Map<string, string> {
  const found = new Map<string, string>();
  const queue: { name: string; from: string; optional: boolean }[] = [
    { name, from: projectRoot, optional: false },
  ];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const dir = findPackageDir(next.name, next.from);
    if (!dir) {
      if (next.optional) continue;
      throw new Error(`${next.name} is not installed (run npm ci): needed by the Chromium layer`);
    }
    if (found.has(dir)) continue;
    found.set(dir, next.name);
    const pkg = readPackageJson(dir);
    for (const dep of Object.keys(pkg.dependencies ?? {}))
      queue.push({ name: dep, from: dir, optional: false });
    for (const dep of Object.keys(pkg.optionalDependencies ?? {}))
      queue.push({ name: dep, from: dir, optional: true });
  }
  return found;
}

/** What {@link ChromiumLayer} needs. */
export interface ChromiumLayerProps {
  readonly projectRoot: string;
}

/** The Chromium layer (x86_64, Node.js 22). */
export class ChromiumLayer extends Construct {
  readonly layer: LayerVersion;

  constructor(scope: Construct, id: string, props: ChromiumLayerProps) {
    super(scope, id);
    const packageDir = findPackageDir(CHROMIUM_PACKAGE, props.projectRoot);
    if (!packageDir) throw new Error(`${CHROMIUM_PACKAGE} is not installed (run npm ci)`);
    const { version } = readPackageJson(packageDir);
    this.layer = new LayerVersion(this, 'Layer', {
      description: `${CHROMIUM_PACKAGE} ${version} (x86_64)`,
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [Architecture.X86_64],
      code: Code.fromAsset(packageDir, {
        // The installed version names the content: no need to fingerprint 60 MB on every synth.
        assetHashType: AssetHashType.CUSTOM,
        assetHash: `${CHROMIUM_PACKAGE}@${version}#layout${LAYOUT_VERSION}`,
        bundling: {
          // Required by the type; never used: local bundling always succeeds or throws.
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/busybox'),
          local: {
            tryBundle(outputDir: string): boolean {
              for (const [dir, name] of dependencyClosure(CHROMIUM_PACKAGE, props.projectRoot)) {
                const target = join(outputDir, 'nodejs', 'node_modules', name);
                if (existsSync(target)) continue; // hoisted duplicates: the first found wins
                mkdirSync(dirname(target), { recursive: true });
                cpSync(dir, target, { recursive: true, dereference: true });
              }
              return true;
            },
          },
        },
      }),
    });
  }
}
