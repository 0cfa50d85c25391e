/** Writes schema/meeting-decision.v<N>.schema.json for each published version (`npm run schema`). */
import { writeFileSync } from 'node:fs';
import { decisionJsonSchema, publishedSchemaVersions } from '../functions/core/json-schema.ts';

for (const version of publishedSchemaVersions) {
  const path = new URL(`../schema/meeting-decision.v${version}.schema.json`, import.meta.url);
  writeFileSync(path, `${JSON.stringify(decisionJsonSchema(version), null, 2)}\n`);
  process.stderr.write(`wrote ${path.pathname}\n`);
}
