import { DomainError } from './errors';

/** Malformed input: answered as a GraphQL error with code BAD_USER_INPUT, naming the field. */
export class BadInputError extends DomainError {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
