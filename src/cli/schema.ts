import { jsonSchemas } from '../manifest/schema';
import { UsageError } from '../manifest/problems';
import type { Output } from './output';

export function schemaCommand(which: string | undefined, io: Output): number {
  const schemas = jsonSchemas();
  if (which === undefined) io.out(JSON.stringify(schemas, null, 2));
  else if (which === 'estate' || which === 'service') io.out(JSON.stringify(schemas[which], null, 2));
  else throw new UsageError(`schema takes 'estate' or 'service', not '${which}'`);
  return 0;
}
