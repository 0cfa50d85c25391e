/**
 * The JSON Schemas published to districts, generated from the zod schemas so the two
 * cannot drift (a test compares them with the committed `schema/meeting-decision.v<N>.schema.json`).
 */
import { z } from 'zod';
import { decisionSchemaV1 } from './decision.ts';
import { decisionSchemaV2 } from './decision-v2.ts';
import { meetingItemSchema } from './meeting.ts';
import { safeguardsEventItemSchema } from './safeguards-event.ts';

/** The schemaVersions with a published JSON Schema. */
export const publishedSchemaVersions = [1, 2] as const;

/** The JSON Schema (draft 2020-12) of what districts write in `version`: the input side of the schema. */
export function decisionJsonSchema(version: 1 | 2 = 2): Record<string, unknown> {
  const schema = z.toJSONSchema(version === 1 ? decisionSchemaV1 : decisionSchemaV2, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return {
    $id: `urn:iep-docs:schema:meeting-decision:v${version}`,
    ...schema,
  };
}

/** The other items a district writes (the meetings table), each with its published JSON Schema. */
export const publishedItemSchemas = {
  'meeting-item.v1': meetingItemSchema,
  'safeguards-event-item.v1': safeguardsEventItemSchema,
} as const;

/** A published item's name (its file: `schema/<name>.schema.json`). */
export type PublishedItem = keyof typeof publishedItemSchemas;

/** The JSON Schema (draft 2020-12) of a meetings-table item as districts write it (input side). */
export function itemJsonSchema(name: PublishedItem): Record<string, unknown> {
  const schema = z.toJSONSchema(publishedItemSchemas[name], {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return { $id: `urn:iep-docs:schema:${name.replace('.', ':')}`, ...schema };
}
