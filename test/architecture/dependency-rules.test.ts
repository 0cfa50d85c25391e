/**
 * The layers' rules, checked on the sources (README, "Architecture"):
 * - nothing in `functions/` imports `infra/`, `bench/`, `bin/` or `scripts/` (the Lambda bundle
 *   and the stack's contract must not depend on the stack or the one-machine runtime);
 * - `functions/core/` imports only `functions/core/`, the pure libraries listed below, and the
 *   node built-ins that are neither a clock nor I/O (`node:crypto`, for hashing);
 * - no two layers import each other, directly or through others. A layer is a folder of
 *   `functions/` with its subfolders (render/signing is part of render: its port types are
 *   render's), `infra` (stack and constructs), `infra/local`, `bench`, `bin`, `scripts`.
 *   Type-only imports count: a cycle of types is a cycle of meaning.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { folderCycles, type ImportEdge, importGraph, importsOf } from './import-graph.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const edges = importGraph(root, ['functions', 'infra', 'bench', 'bin', 'scripts']);

/** Packages core may use: pure computation, no I/O, no clock. */
const CORE_PACKAGES = new Set(['zod']);
/** Built-ins core may use: hashing only (no fs, net, timers, perf_hooks, process). */
const CORE_BUILTINS = new Set(['node:crypto']);

/** Code outside the deployed functions: what `functions/` must never import. */
const OUTSIDE = ['infra/', 'bench/', 'bin/', 'scripts/', 'test/'];

/** Imports from `functions/` into infra, bench, bin, scripts or test (data such as templates is fine). */
function functionsLeaks(all: readonly ImportEdge[]): string[] {
  return all
    .filter(
      (e) =>
        e.from.startsWith('functions/') && OUTSIDE.some((dir) => e.to?.startsWith(dir) ?? false),
    )
    .map((e) => `${e.from} → ${e.specifier}`);
}

/** Imports from `functions/core/` of anything but core, the pure packages and hashing. */
function coreLeaks(all: readonly ImportEdge[]): string[] {
  return all
    .filter((e) => e.from.startsWith('functions/core/'))
    .filter((e) =>
      e.to
        ? !e.to.startsWith('functions/core/')
        : !CORE_PACKAGES.has(e.specifier) && !CORE_BUILTINS.has(e.specifier),
    )
    .map((e) => `${e.from} → ${e.specifier}`);
}

describe('dependency rules', () => {
  it('reads the imports of the sources (the graph is not empty)', () => {
    expect(edges.some((e) => e.from === 'infra/stack.ts' && e.to?.startsWith('functions/'))).toBe(
      true,
    );
    expect(edges.filter((e) => e.from.startsWith('functions/core/')).length).toBeGreaterThan(5);
  });

  it('nothing in functions/ imports infra/ (or bench/, bin/, scripts/)', () => {
    expect(functionsLeaks(edges)).toEqual([]);
  });

  it('functions/core/ imports only core, pure packages and hashing', () => {
    expect(coreLeaks(edges)).toEqual([]);
  });

  it('no two layers import each other', () => {
    expect(folderCycles(edges)).toEqual([]);
  });

  // The checks themselves: each finds the violation it is for.
  it('finds a forbidden import, a core import of the clock or I/O, and a layer cycle', () => {
    const bad = [
      ...importsOf(root, 'functions/handlers/x.ts', "import { a } from '../../infra/stack.ts';"),
      ...importsOf(root, 'functions/core/x.ts', "import { b } from '../pipeline/ports.ts';"),
      ...importsOf(root, 'functions/core/y.ts', "import { readFile } from 'node:fs/promises';"),
      ...importsOf(root, 'functions/core/z.ts', "const c = await import('@aws-sdk/client-s3');"),
      ...importsOf(root, 'functions/render/x.ts', "export { d } from '../pipeline/x.ts';"),
      ...importsOf(root, 'functions/pipeline/x.ts', "import type { E } from '../render/x.ts';"),
    ];
    expect(functionsLeaks(bad)).toEqual(['functions/handlers/x.ts → ../../infra/stack.ts']);
    expect(coreLeaks(bad)).toEqual([
      'functions/core/x.ts → ../pipeline/ports.ts',
      'functions/core/y.ts → node:fs/promises',
      'functions/core/z.ts → @aws-sdk/client-s3',
    ]);
    expect(folderCycles(bad)).toEqual([['functions/pipeline', 'functions/render']]);
  });
});
