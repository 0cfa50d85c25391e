/**
 * A safeguards-event item: what a district's system writes when an event of 34 CFR
 * 300.504(a)(1)-(4) happens, so the parents are given the procedural safeguards notice then
 * (the once-a-school-year copy travels with the first delivery of the year instead:
 * `deliver-safeguards.ts`). It lives in the meetings table beside the meeting items (same key,
 * stream and audience; docs/meeting-decision.md "Safeguards-event items" says why) and tells
 * itself apart by `"kind": "safeguards-event"`. Pure.
 */
import { z } from 'zod';
import { calendarDate, guardian, id, list } from './decision.ts';
import { meetingStudent } from './meeting.ts';
import { formatPath, type Problem } from './problems.ts';
import type { SafeguardsEvent } from './safeguards.ts';

/** The events an item may name: every one of 300.504(a) but the yearly copy. */
export const safeguardsEventKinds = [
  'initial-referral',
  'state-complaint',
  'due-process-complaint',
  'disciplinary-removal',
  'parent-request',
] as const satisfies readonly SafeguardsEvent[];

export const safeguardsEventItemSchema = z
  .strictObject({
    kind: z.literal('safeguards-event'),
    schemaVersion: z.literal(1, { error: 'safeguards-event items are schemaVersion 1' }),
    /**
     * The item's key in the meetings table (any id unique among the district's items there:
     * the event's own id). An event happens once: a new event is a new item.
     */
    meetingId: id,
    revision: z.literal(1, {
      error: 'an event is written once (revision 1): a new event is a new item',
    }),
    districtId: id,
    event: z.enum(safeguardsEventKinds),
    /**
     * The day of the event: the referral or request for evaluation, the receipt of the
     * complaint, the decision to remove, the parent's request. Its school year decides what
     * "the first complaint in a school year" is (300.504(a)(2)).
     */
    occurredOn: calendarDate,
    /** A disciplinary removal: it must be a change of placement (300.536) to require the notice. */
    removal: z.strictObject({ changeOfPlacement: z.boolean() }).optional(),
    student: meetingStudent,
    guardians: list(guardian).min(1, 'at least one guardian (300.30)'),
  })
  .superRefine((item, ctx) => {
    if (item.event !== 'disciplinary-removal') return;
    if (!item.removal)
      ctx.addIssue({
        code: 'custom',
        path: ['removal'],
        message:
          'a disciplinary removal needs removal.changeOfPlacement: only a removal that changes the placement requires the notice (300.504(a)(3), 300.530(h), 300.536)',
      });
    else if (!item.removal.changeOfPlacement)
      ctx.addIssue({
        code: 'custom',
        path: ['removal', 'changeOfPlacement'],
        message:
          'a removal that is not a change of placement (300.536) does not require the procedural safeguards notice (300.504(a)(3), 300.530(h)): write no item for it',
      });
  });

/** A safeguards-event item as written (schema-checked). */
export type SafeguardsEventItem = z.output<typeof safeguardsEventItemSchema>;

/** Whether a raw item is a safeguards-event item (its `kind`). */
export function isSafeguardsEventItem(item: unknown): boolean {
  return (
    typeof item === 'object' &&
    item !== null &&
    (item as { kind?: unknown }).kind === 'safeguards-event'
  );
}

/** Reads a safeguards-event item: the item, or every problem of shape, each with its path. */
export function readSafeguardsEventItem(
  input: unknown,
):
  | { kind: 'safeguards-event'; item: SafeguardsEventItem }
  | { kind: 'invalid'; problems: Problem[] } {
  const parsed = safeguardsEventItemSchema.safeParse(input);
  if (parsed.success) return { kind: 'safeguards-event', item: parsed.data };
  return {
    kind: 'invalid',
    problems: parsed.error.issues.map((issue) => ({
      path: formatPath(issue.path) === '(decision)' ? '(item)' : formatPath(issue.path),
      message: issue.message,
    })),
  };
}
