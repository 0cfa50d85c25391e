/**
 * Reading a decision file for a CLI command: the file, its JSON, the schema, the
 * completeness rules and the district's profile, every problem named with its path.
 */
import { readFile } from 'node:fs/promises';
import type { Decision } from '../core/decision.ts';
import type { DistrictDirectory } from '../core/district.ts';
import type { Problem } from '../core/problems.ts';
import { checkDecision, parseJson } from '../core/validate.ts';

/** A decision file as read: unreadable, not a decision, or a decision with its problems (if any). */
export type LoadedDecision =
  | { file: string; kind: 'io-error'; message: string }
  | { file: string; kind: 'invalid'; problems: Problem[] }
  | { file: string; kind: 'decision'; decision: Decision; problems: Problem[] };

export async function loadDecisionFile(
  file: string,
  districts?: DistrictDirectory,
): Promise<LoadedDecision> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return {
      file,
      kind: 'io-error',
      message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    };
  }
  const json = parseJson(text);
  if ('problems' in json) return { file, kind: 'invalid', problems: json.problems };
  // The district's state rules apply (its profile's `state`); without a profile, the federal rule.
  const districtId = (json.value as { districtId?: unknown } | null)?.districtId;
  const state =
    districts && typeof districtId === 'string' && districts.has(districtId)
      ? districts.get(districtId).state
      : undefined;
  const checked = checkDecision(json.value, { state });
  if (checked.kind === 'invalid') return { file, kind: 'invalid', problems: checked.problems };
  const problems = [...checked.problems];
  if (districts && !districts.has(checked.decision.districtId)) {
    problems.unshift({
      path: 'districtId',
      message: `no district profile for "${checked.decision.districtId}": this deployment serves ${districts.ids.join(', ')}`,
      rule: 'district-profile',
    });
  }
  return { file, kind: 'decision', decision: checked.decision, problems };
}
