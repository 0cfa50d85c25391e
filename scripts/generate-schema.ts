/** Writes schema/meeting-decision.v1.schema.json from the zod schema (`npm run schema`). */
import { writeFileSync } from 'node:fs';
import { decisionJsonSchema } from '../functions/core/json-schema.ts';

const path = new URL('../schema/meeting-decision.v1.schema.json', import.meta.url);
writeFileSync(path, `${JSON.stringify(decisionJsonSchema(), null, 2)}\n`);
process.stderr.write(`wrote ${path.pathname}\n`);
