/**
 * Finds a decision's free-text fields by walking it: a string field is free text when the
 * schema accepts arbitrary text (markup, braces, quotes) in it.
 */
import { parseDecision } from '../../../functions/core/validate.ts';

/** A path into a decision: keys and array indexes. */
export type FieldPath = (string | number)[];

/** Every string leaf of `value`, with its path. */
export function stringLeaves(value: unknown, path: FieldPath = []): FieldPath[] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, i) => stringLeaves(item, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => stringLeaves(item, [...path, key]));
  }
  return [];
}

export function setAt(target: Record<string, unknown>, path: FieldPath, value: unknown): void {
  let node: any = target;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path.at(-1) as string | number] = value;
}

/** Text that only a free-text field accepts: markup, braces, quotes, a URL. */
const PROBE = `<b x='1'>{{y}}</b> "http://127.0.0.1/" &amp;`;

/** The free-text fields of `raw`, and the longest text each accepts (probed up to 2,000). */
export function freeTextFields(raw: Record<string, unknown>): { path: FieldPath; max: number }[] {
  const fields: { path: FieldPath; max: number }[] = [];
  for (const path of stringLeaves(raw)) {
    const accepts = (text: string) => {
      const copy = structuredClone(raw);
      setAt(copy, path, text);
      return 'decision' in parseDecision(copy);
    };
    if (!accepts(PROBE)) continue;
    const max = [2000, 300, 200, 100].find((n) => accepts(PROBE.padEnd(n, 'x'))) ?? PROBE.length;
    fields.push({ path, max });
  }
  return fields;
}

/** The path as text, e.g. `iep.goals[0].baseline`. */
export function pathText(path: FieldPath): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}
