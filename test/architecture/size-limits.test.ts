/**
 * Units a newcomer can hold in their head (issue #14, point 5): no source file under
 * `functions/`, `infra/` or `bin/` over 350 lines and no function over 60 lines, unless a comment
 * at its top starts `Long because:` and says why. A file may not pass 450 lines even with a
 * reason. Measured with the TypeScript compiler (test/architecture/unit-sizes.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from './import-graph.ts';
import { type FileSize, type FunctionSize, measure } from './unit-sizes.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The limits: past them a unit needs a `Long because:` reason; past `FILE_HARD`, nothing helps. */
const FILE_LINES = 350;
const FILE_HARD = 450;
const FUNCTION_LINES = 60;

/**
 * Files allowed past {@link FILE_LINES} for now, each with who is shrinking it. Temporary: remove
 * an entry when its split lands (an entry for a file already under the limit fails the test).
 */
const ALLOWANCES: Readonly<Record<string, string>> = {};

/**
 * Functions allowed past {@link FUNCTION_LINES} for now, as `file:name`, each with who is working
 * on the code this round: split them (or write their reason) when that work has landed. Temporary
 * like {@link ALLOWANCES}: an entry whose function is gone or short fails the test.
 */
const FUNCTION_ALLOWANCES: Readonly<Record<string, string>> = {};

/** The key of a function in {@link FUNCTION_ALLOWANCES}: anonymous ones as `(arrow)`. */
const allowanceKey = (f: FunctionSize) =>
  `${f.file}:${f.name.startsWith('(') ? f.name.replace(/ at line \d+/, '') : f.name}`;

/** The files over the limits, and the functions over theirs, that carry no reason. */
function offenders(
  sizes: readonly FileSize[],
  allowances: Readonly<Record<string, string>>,
  functionAllowances: Readonly<Record<string, string>> = {},
) {
  const files = sizes
    .filter((s) => s.lines > FILE_HARD || (s.lines > FILE_LINES && !s.hasReason))
    .filter((s) => s.lines > FILE_HARD || !(s.file in allowances))
    .map((s) => `${s.file}: ${s.lines} lines`);
  const functions = sizes
    .flatMap((s) => s.functions)
    .filter((f) => f.lines > FUNCTION_LINES && !f.hasReason)
    .filter((f) => !(allowanceKey(f) in functionAllowances))
    .map((f) => `${f.file}:${f.line} ${f.name}: ${f.lines} lines`);
  return { files, functions };
}

const sizes = sourceFiles(root, ['functions', 'infra', 'bin']).map((file) =>
  measure(file, readFileSync(join(root, file), 'utf8')),
);

describe('size limits', () => {
  it('measures the sources (files and functions found)', () => {
    expect(sizes.length).toBeGreaterThan(100);
    expect(sizes.some((s) => s.file.startsWith('bin/'))).toBe(true);
    expect(sizes.flatMap((s) => s.functions).length).toBeGreaterThan(500);
  });

  it(`no source file over ${FILE_LINES} lines without a reason (none over ${FILE_HARD})`, () => {
    expect(offenders(sizes, ALLOWANCES, FUNCTION_ALLOWANCES).files).toEqual([]);
  });

  it(`no function over ${FUNCTION_LINES} lines without a "Long because:" comment at its top`, () => {
    expect(offenders(sizes, ALLOWANCES, FUNCTION_ALLOWANCES).functions).toEqual([]);
  });

  it('every allowance names a file that still needs it', () => {
    const needless = Object.keys(ALLOWANCES).filter(
      (file) => (sizes.find((s) => s.file === file)?.lines ?? 0) <= FILE_LINES,
    );
    expect(needless).toEqual([]);
    const long = new Set(
      sizes
        .flatMap((s) => s.functions)
        .filter((f) => f.lines > FUNCTION_LINES && !f.hasReason)
        .map(allowanceKey),
    );
    expect(Object.keys(FUNCTION_ALLOWANCES).filter((key) => !long.has(key))).toEqual([]);
  });

  // The check itself: it finds each kind of long unit, and a reason excuses only its own unit.
  it('finds a long function of each kind, a long file, and honours a reason at the top', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`);
    const text = [
      'export function declared() {',
      ...body(61),
      '}',
      '/** Long because: one table of cases, read top to bottom. */',
      'export function excused() {',
      ...body(61),
      '}',
      'export function excusedInside() {',
      '  // Long because: the steps share twenty locals.',
      ...body(61),
      '}',
      'export const arrow = () => {',
      ...body(61),
      '};',
      'class Holder {',
      '  method() {',
      ...body(61),
      '  }',
      '}',
      'export const expression = function () {',
      ...body(58),
      '};',
      ...body(200),
    ].join('\n');
    const found = offenders([measure('functions/x.ts', `${text}\n`)], {});
    expect(found.files).toEqual(['functions/x.ts: 579 lines']);
    expect(found.functions).toEqual([
      'functions/x.ts:1 declared: 63 lines',
      'functions/x.ts:192 arrow: 63 lines',
      'functions/x.ts:256 Holder.method: 63 lines',
    ]);
    const exact = measure('functions/y.ts', ['function f() {', ...body(58), '}', ''].join('\n'));
    expect(exact.functions).toMatchObject([{ name: 'f', lines: 60 }]);
    expect(offenders([exact], {}).functions).toEqual([]);
  });
});
