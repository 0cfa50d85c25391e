/**
 * Lambda event filtering (FilterCriteria) as AWS applies it to stream records before they are
 * batched: a record is delivered when it matches at least one filter pattern; the others are
 * dropped (and checkpointed past). Supported: exact values (strings, numbers, booleans, null),
 * `prefix`, `suffix`, `equals-ignore-case`, `exists`, `anything-but` and `numeric`.
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */

/** A content filter inside a value list, e.g. `{ prefix: 'final' }` or `{ exists: false }`. */
export type ContentFilter =
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly 'equals-ignore-case': string }
  | { readonly exists: boolean }
  | { readonly 'anything-but': string | number | readonly (string | number)[] }
  | { readonly numeric: readonly (string | number)[] };

/** One allowed value of a leaf: an exact value or a content filter. */
export type FilterValue = string | number | boolean | null | ContentFilter;

/**
 * A filter pattern, e.g. `{ eventName: ['INSERT'], dynamodb: { NewImage: { status: { S:
 * ['finalized'] } } } }`: objects nest like the record, arrays list the values allowed.
 */
export interface FilterPattern {
  readonly [field: string]: FilterPattern | readonly FilterValue[];
}

const operators = ['prefix', 'suffix', 'equals-ignore-case', 'exists', 'anything-but', 'numeric'];

/** Throws on a pattern AWS would reject or this emulation does not support. */
export function validateFilterPattern(pattern: FilterPattern, path = ''): void {
  if (typeof pattern !== 'object' || pattern === null || Array.isArray(pattern)) {
    throw new Error(`filter pattern${path}: expected an object`);
  }
  for (const [field, value] of Object.entries(pattern)) {
    const at = `${path}.${field}`;
    if (!Array.isArray(value)) {
      validateFilterPattern(value as FilterPattern, at);
      continue;
    }
    if (value.length === 0) throw new Error(`filter pattern${at}: empty value list`);
    for (const allowed of value as FilterValue[]) {
      if (typeof allowed !== 'object' || allowed === null) continue;
      const keys = Object.keys(allowed);
      if (keys.length !== 1 || !operators.includes(keys[0] ?? '')) {
        throw new Error(`filter pattern${at}: unsupported filter ${JSON.stringify(allowed)}`);
      }
    }
  }
}

/** True when the event matches at least one pattern; no patterns means no filtering. */
export function matchesAnyFilter(patterns: readonly FilterPattern[], event: unknown): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, event));
}

/** True when every field of the pattern matches the event. */
export function matchesPattern(pattern: FilterPattern, event: unknown): boolean {
  const fields = isRecord(event) ? event : undefined;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = fields?.[field];
    if (Array.isArray(expected)) return matchesValueList(expected as FilterValue[], actual);
    // A missing parent only matches when everything below is `exists: false`.
    return matchesPattern(expected as FilterPattern, isRecord(actual) ? actual : undefined);
  });
}

function matchesValueList(allowed: readonly FilterValue[], actual: unknown): boolean {
  if (actual === undefined) {
    return allowed.some((value) => isRecord(value) && 'exists' in value && value.exists === false);
  }
  const candidates = Array.isArray(actual) ? actual : [actual];
  return allowed.some((value) => candidates.some((candidate) => matchesValue(value, candidate)));
}

function matchesValue(allowed: FilterValue, actual: unknown): boolean {
  if (allowed === null || typeof allowed !== 'object') return actual === allowed;
  if ('exists' in allowed) return allowed.exists === true;
  if ('prefix' in allowed) return typeof actual === 'string' && actual.startsWith(allowed.prefix);
  if ('suffix' in allowed) return typeof actual === 'string' && actual.endsWith(allowed.suffix);
  if ('equals-ignore-case' in allowed) {
    return (
      typeof actual === 'string' &&
      actual.toLowerCase() === allowed['equals-ignore-case'].toLowerCase()
    );
  }
  if ('anything-but' in allowed) {
    const excluded = allowed['anything-but'];
    return !(Array.isArray(excluded) ? excluded : [excluded]).includes(actual as string);
  }
  return matchesNumeric(allowed.numeric, actual);
}

/** `numeric: ['>', 0, '<=', 5]`; DynamoDB numbers arrive as strings, so those count too. */
function matchesNumeric(conditions: readonly (string | number)[], actual: unknown): boolean {
  const value = typeof actual === 'string' && actual.trim() !== '' ? Number(actual) : actual;
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  for (let i = 0; i + 1 < conditions.length; i += 2) {
    const operator = conditions[i];
    const bound = Number(conditions[i + 1]);
    const ok =
      (operator === '=' && value === bound) ||
      (operator === '<' && value < bound) ||
      (operator === '<=' && value <= bound) ||
      (operator === '>' && value > bound) ||
      (operator === '>=' && value >= bound);
    if (!ok) return false;
  }
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
