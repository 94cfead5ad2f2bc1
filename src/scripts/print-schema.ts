// Prints the SDL (with @auth directives) to schema/schema.graphql: `npm run schema`.
import { writeFileSync } from 'node:fs';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { schema } from '../graphql/schema';

export const printedSchema = () => printSchemaWithDirectives(schema) + '\n';

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('../../schema/schema.graphql', import.meta.url), printedSchema());
  console.log('schema/schema.graphql written');
}
