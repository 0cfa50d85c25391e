/**
 * The project's import graph, read from the sources: every relative import (static, dynamic,
 * `export … from`) and every package or built-in import, per file. Used by the dependency-rule
 * test; a regular expression is enough because the sources are formatted by Biome.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** One import of one file. */
export interface ImportEdge {
  /** The importing file, relative to the root (`functions/core/dates.ts`). */
  readonly from: string;
  /** The imported file relative to the root, for relative imports. */
  readonly to?: string;
  /** The specifier as written (`zod`, `node:crypto`, `../core/dates.ts`). */
  readonly specifier: string;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** Every `.ts`/`.mjs` file under `dirs` (relative to `root`). */
export function sourceFiles(root: string, dirs: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const path = join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (/\.(ts|mjs)$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
    }
  };
  for (const dir of dirs) walk(dir);
  return files.sort();
}

/** The imports of `file`, given its text. */
export function importsOf(root: string, file: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[1] as string;
    if (specifier.startsWith('.')) {
      const to = relative(root, resolve(root, dirname(file), specifier));
      edges.push({ from: file, to, specifier });
    } else {
      edges.push({ from: file, specifier });
    }
  }
  return edges;
}

/** Every import of every source file under `dirs`. */
export function importGraph(root: string, dirs: readonly string[]): ImportEdge[] {
  return sourceFiles(root, dirs).flatMap((file) =>
    importsOf(root, file, readFileSync(join(root, file), 'utf8')),
  );
}

/**
 * The layer a file belongs to: `functions/<layer>` (its subfolders included, e.g.
 * `functions/render/signing` is part of render), `infra/local` (the one-machine runtime), `infra`
 * (the stack and its constructs), else the top folder (`bench`, `bin`, `scripts`, `templates`).
 */
export function layerOf(path: string): string {
  const [top, second] = path.split('/');
  if (top === 'functions' && second && !second.includes('.')) return `functions/${second}`;
  if (top === 'infra' && second === 'local') return 'infra/local';
  return top ?? path;
}

/**
 * The cycles between layers (each a strongly connected set of two or more layers, see
 * {@link layerOf}), from the relative imports.
 */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (!edge.to) continue;
    const a = layerOf(edge.from);
    const b = layerOf(edge.to);
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    graph.get(a)?.add(b);
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, indexOf.get(w) as number));
      }
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return cycles;
}
