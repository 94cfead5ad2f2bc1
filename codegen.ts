// Typed documents for the operations the tests send: the tests are a codegen consumer of
// schema/schema.graphql like any client. `npm run codegen` after changing an operation.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['test/**/*.ts', '!test/gql/**'],
  ignoreNoDocuments: true,
  generates: {
    'test/gql/': {
      preset: 'client',
      config: { documentMode: 'string', useTypeImports: true, scalars: { DateTime: 'string', JSON: 'unknown' } },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;
