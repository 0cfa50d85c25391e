/**
 * The JSON Schema published to districts, generated from the zod schema so the two
 * cannot drift (a test compares it with the committed `schema/meeting-decision.v1.schema.json`).
 */
import { z } from 'zod';
import { decisionSchema } from './decision.ts';

/** The JSON Schema (draft 2020-12) of what districts write: the input side of the schema. */
export function decisionJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(decisionSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return {
    $id: 'urn:iep-docs:schema:meeting-decision:v1',
    ...schema,
  };
}
