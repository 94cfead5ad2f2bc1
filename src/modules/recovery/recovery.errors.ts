import { DomainError } from '../../lib/errors';

/** Unknown, malformed, expired, already used, superseded or for another purpose: one answer for all. */
export class InvalidTokenError extends DomainError {
  readonly code = 'INVALID_TOKEN';
  constructor() {
    super('This link is invalid or has expired. Ask for a new one.');
  }
}
