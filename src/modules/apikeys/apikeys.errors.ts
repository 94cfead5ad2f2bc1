import { DomainError } from '../../lib/errors';

export class InvalidScopeError extends DomainError {
  readonly code = 'INVALID_SCOPE';
  constructor(
    readonly invalidScopes: string[],
    message = `These scopes are unknown or not yours to give: ${invalidScopes.join(', ')}.`,
  ) {
    super(message);
  }
}
