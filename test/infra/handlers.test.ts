import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HANDLER_NAMES, handlerEntries } from '../../infra/handlers.ts';
import { projectRoot } from './build-stack.ts';

let root: string | undefined;

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A project root whose functions/handlers/ holds the given files. */
function treeWith(names: readonly string[]): string {
  root = mkdtempSync(join(tmpdir(), 'iep-handlers-'));
  const dir = join(root, 'functions', 'handlers');
  mkdirSync(dir, { recursive: true });
  for (const name of names) writeFileSync(join(dir, `${name}.ts`), 'export const handler = 0;\n');
  return root;
}

describe('handlerEntries', () => {
  it('finds every handler of the tree', () => {
    const entries = handlerEntries(projectRoot);
    expect(Object.keys(entries).sort()).toEqual([...HANDLER_NAMES].sort());
  });

  it('fails, naming the file, when a handler is renamed instead of deploying a stack without it', () => {
    const renamed = treeWith([
      ...HANDLER_NAMES.filter((name) => name !== 'render-documents'),
      'render-document',
    ]);
    expect(() => handlerEntries(renamed)).toThrow(/functions\/handlers\/render-documents\.ts/);
  });

  it('names every missing handler at once', () => {
    const partial = treeWith(HANDLER_NAMES.filter((n) => n !== 'download' && n !== 'regenerate'));
    expect(() => handlerEntries(partial)).toThrow(
      /download\.ts, functions\/handlers\/regenerate\.ts/,
    );
  });
});
