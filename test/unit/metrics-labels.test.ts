/** The operation label of /metrics: a root field of the schema, or one of three fixed words, never client text. */
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/graphql/schema';
import { catalogueOf, operationLabels } from '../../src/http/use-metrics';

const catalogue = catalogueOf(schema);
const label = (doc: string, operationName?: string) => operationLabels(catalogue, parse(doc), operationName);

describe('operationLabels', () => {
  it('is the root field, whatever the operation is called or aliased', () => {
    expect(label('query StealMe_api_key_123 { passwordPolicy { minLength } }')).toEqual({ operation: 'passwordPolicy', type: 'query' });
    expect(label('mutation { a: login(input: $i) { __typename } b: login(input: $i) { __typename } }')).toEqual({ operation: 'login', type: 'mutation' });
    expect(label('{ __typename me { id } }')).toEqual({ operation: 'me', type: 'query' });
  });

  it('folds several root fields, fragments at the root, unknown fields and __typename alone into fixed words', () => {
    expect(label('{ me { id } passwordPolicy { minLength } }')).toEqual({ operation: 'multiple', type: 'query' });
    expect(label('{ ...F } fragment F on Query { me { id } }')).toEqual({ operation: 'other', type: 'query' });
    expect(label('{ noSuchField_4711 }')).toEqual({ operation: 'other', type: 'query' });
    expect(label('{ __typename }')).toEqual({ operation: 'other', type: 'query' });
    expect(label('{ __schema { types { name } } }')).toEqual({ operation: 'other', type: 'query' });
  });

  it('follows operationName to the operation that runs, and is "none" when it names no operation', () => {
    const doc = 'query A { me { id } } mutation B { logout }';
    expect(label(doc, 'B')).toEqual({ operation: 'logout', type: 'mutation' });
    expect(label(doc, 'Unknown_xyz')).toEqual({ operation: 'none', type: 'none' });
    expect(label(doc)).toEqual({ operation: 'none', type: 'none' });
  });
});
