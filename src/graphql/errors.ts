/**
 * Expected outcomes are union members. Every error member implements `interface Error
 * { code: ErrorCode! message: String! }`, so `... on Error { code message }` is always a valid
 * selection on a result.
 */
import type { ObjectRef, UnionRef } from '@pothos/core';
import { DomainError } from '../lib/errors';
import { builder } from './builder';

export const ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'ACCOUNT_LOCKED',
  'EMAIL_TAKEN',
  'WEAK_PASSWORD',
  'INVALID_MFA_CODE',
  'MFA_CHALLENGE_EXPIRED',
  'INVALID_REFRESH_TOKEN',
  'REFRESH_TOKEN_REUSED',
  'NOT_FOUND',
  'INVALID_SCOPE',
  'INVALID_TOKEN',
  'REAUTH_REQUIRED',
  'MFA_ALREADY_ENABLED',
  'MFA_NOT_ENABLED',
  'INVALID_WEBHOOK_URL',
] as const;

export const ErrorCode = builder.enumType('ErrorCode', {
  description: 'Stable, machine-readable codes of expected failures. Branch on these, not on messages.',
  values: ERROR_CODES,
});

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'An expected failure of an operation: a member of its result union.',
  fields: (t) => ({
    code: t.field({ type: ErrorCode, resolve: (e) => e.code as (typeof ERROR_CODES)[number] }),
    message: t.exposeString('message', { description: 'A sentence a person can read; may change between versions.' }),
  }),
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErrorClass<T extends DomainError> = abstract new (...args: any[]) => T;
type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type ImplementOptions<T> = Parameters<PothosSchemaTypes.ImplementableObjectRef<Types, T>['implement']>[0];

/** Registers an error class as a GraphQL object type implementing Error. */
export function errorType<T extends DomainError>(
  cls: ErrorClass<T>,
  options: { description: string; fields?: ImplementOptions<T>['fields'] },
) {
  return builder.objectRef<T>(cls.name).implement({
    description: options.description,
    interfaces: [ErrorInterface] as never,
    isTypeOf: (value: unknown) => (value as { __typename?: string }).__typename === cls.name,
    fields: options.fields ?? (() => ({})),
  });
}

/** A result union of success objects and error members; `__typename` (set on both) picks the member. */
type ShapeOf<R> = R extends ObjectRef<Types, infer S> ? S : never;

export function resultUnion<const Members extends ObjectRef<Types, any>[]>(
  name: string,
  description: string,
  types: Members,
): UnionRef<Types, ShapeOf<Members[number]>, ShapeOf<Members[number]>> {
  return builder.unionType(name, {
    description,
    types,
    resolveType: (value: unknown) => (value as { __typename: string }).__typename,
  });
}

/** A plain object with the error's fields (code, message and any extra ones), tagged for the union. */
function asResult(error: DomainError) {
  return { ...error, __typename: error.constructor.name, code: error.code, message: error.message };
}

/** Runs a service call; the listed expected errors become union members, anything else throws. */
export async function expected<const C extends ErrorClass<DomainError>[], T>(errors: C, run: () => Promise<T>): Promise<T | InstanceType<C[number]>> {
  try {
    return await run();
  } catch (error) {
    // graphql-js treats a returned Error instance as a field error, so members are plain objects.
    if (errors.some((cls) => error instanceof cls)) return asResult(error as DomainError) as InstanceType<C[number]>;
    throw error;
  }
}
