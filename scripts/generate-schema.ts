/**
 * Writes schema/meeting-decision.v<N>.schema.json for each published version, and the meetings
 * table's items' schemas (schema/meeting-item.v1.schema.json, …) (`npm run schema`).
 */
import { writeFileSync } from 'node:fs';
import {
  decisionJsonSchema,
  itemJsonSchema,
  type PublishedItem,
  publishedItemSchemas,
  publishedSchemaVersions,
} from '../functions/core/json-schema.ts';

for (const version of publishedSchemaVersions) {
  const path = new URL(`../schema/meeting-decision.v${version}.schema.json`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(decisionJsonSchema(version), null, 2)}\n`);
  process.stderr.write(`wrote ${path.pathname}\n`);
}

for (const name of Object.keys(publishedItemSchemas) as PublishedItem[]) {
  const path = new URL(`../schema/${name}.schema.json`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(itemJsonSchema(name), null, 2)}\n`);
  process.stderr.write(`wrote ${path.pathname}\n`);
}
