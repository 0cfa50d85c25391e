/**
 * A problem found in a decision: where (a dotted path with indexes, as
 * `iep.goals[0].criteria`), what, and the regulation that requires it.
 */
export interface Problem {
  /** Dotted path with indexes, e.g. `iep.goals[0].criteria`; `(file)` for the whole input. */
  path: string;
  message: string;
  /** 34 CFR reference, e.g. `300.320(a)(2)(i)`; absent for problems of form only. */
  cfr?: string;
  /** The completeness rule's name, e.g. `goals-measurable`; absent for schema problems. */
  rule?: string;
}

/** Formats a path as `iep.goals[0].criteria`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(decision)';
}

/** One line a person reads: `path: message (CFR reference)`. */
export function describeProblem(p: Problem): string {
  return `${p.path}: ${p.message}${p.cfr ? ` (34 CFR ${p.cfr})` : ''}`;
}
