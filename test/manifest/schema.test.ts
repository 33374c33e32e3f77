import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemas } from '../../src/manifest/schema';

type Node = { properties?: Record<string, Node>; additionalProperties?: Node | boolean; anyOf?: Node[] };

/** Every field path a schema allows, with `<env>` for map keys. */
function fieldPaths(node: Node, prefix = ''): string[] {
  const paths: string[] = [];
  const object = node.anyOf?.find((n) => n.properties) ?? node;
  for (const [key, child] of Object.entries(object.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    paths.push(path);
    paths.push(...fieldPaths(child, path));
    if (typeof child.additionalProperties === 'object' && child.additionalProperties.properties && key === 'environments') {
      paths.push(...fieldPaths(child.additionalProperties, `${path}.<env>`));
    }
  }
  return paths;
}

describe('the JSON Schema', () => {
  it('is published under schema/ exactly as the zod source generates it', () => {
    const schemas = jsonSchemas();
    for (const which of ['estate', 'service'] as const) {
      const committed = JSON.parse(readFileSync(`schema/${which}.schema.json`, 'utf8'));
      expect(committed, `schema/${which}.schema.json is stale: run npm run schema`).toEqual(schemas[which]);
    }
  });

  it('has every field documented in docs/manifest.md', () => {
    const doc = readFileSync('docs/manifest.md', 'utf8');
    const { estate, service } = jsonSchemas();
    const estateFields = fieldPaths(estate as Node).filter((p) => !p.startsWith('defaults.'));
    const serviceFields = fieldPaths(service as Node).filter((p) => !p.startsWith('environments.<env>.'));
    // A group (delivery, alerts, …) is documented through its fields.
    const undocumented = [...estateFields, ...serviceFields].filter((p) => !doc.includes(`\`${p}\``) && !doc.includes(`\`${p}.`));
    expect(undocumented).toEqual([]);
  });
});
