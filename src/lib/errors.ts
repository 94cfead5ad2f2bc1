/**
 * Expected failures. A service throws a subclass with a stable UPPER_SNAKE code; the GraphQL
 * layer returns it as a member of the operation's result union. Anything else is unexpected
 * and masked by yoga (no message, no stack, no SQL reaches a client).
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/** Unknown ids and ids that belong to someone else are the same answer. */
export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  constructor(message = 'Not found.') {
    super(message);
  }
}
