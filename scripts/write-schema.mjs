// Writes schema/estate.schema.json and schema/service.schema.json from the zod source of truth.
// A test fails when the committed files drift from the schema, so run this after changing it.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { jsonSchemas } = require('../dist/index.js');
const schemas = jsonSchemas();
for (const which of ['estate', 'service']) {
  writeFileSync(new URL(`../schema/${which}.schema.json`, import.meta.url), `${JSON.stringify(schemas[which], null, 2)}\n`);
}
