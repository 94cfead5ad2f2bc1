import { DomainError } from '../../lib/errors';

export { NotFoundError } from '../../lib/errors';

export class InvalidRefreshTokenError extends DomainError {
  readonly code = 'INVALID_REFRESH_TOKEN';
  constructor() {
    super('The refresh token is invalid or expired. Sign in again.');
  }
}

export class RefreshTokenReusedError extends DomainError {
  readonly code = 'REFRESH_TOKEN_REUSED';
  constructor(
    readonly sessionId: string,
    readonly userId: string,
  ) {
    super('This refresh token was already used, so the session has been ended for safety. Sign in again.');
  }
}
