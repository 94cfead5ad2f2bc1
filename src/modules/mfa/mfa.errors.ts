import { DomainError } from '../../lib/errors';

export class InvalidMfaCodeError extends DomainError {
  readonly code = 'INVALID_MFA_CODE';
  constructor(
    message = 'The code is not correct. Use the current code from your authenticator app, or a backup code.',
    /**
     * Not a guess, so it counts towards no lock: not a code at all (letters, wrong length), a
     * typo; or the code the account used last, still on the screen (nothing to learn from it).
     */
    readonly uncounted = false,
  ) {
    super(message);
  }

  static malformed(message: string): InvalidMfaCodeError {
    return new InvalidMfaCodeError(message, true);
  }

  static alreadyUsed(): InvalidMfaCodeError {
    return new InvalidMfaCodeError('That code was already used: wait for the next code from your authenticator app.', true);
  }
}

export class MfaChallengeExpiredError extends DomainError {
  readonly code = 'MFA_CHALLENGE_EXPIRED';
  constructor() {
    super('This sign-in attempt has expired or was already completed. Sign in again.');
  }
}

export class ReauthRequiredError extends DomainError {
  readonly code = 'REAUTH_REQUIRED';
  constructor() {
    super('This needs a recent sign-in: call reauthenticate with your password (and a code when MFA is on), then retry.');
  }
}

export class MfaAlreadyEnabledError extends DomainError {
  readonly code = 'MFA_ALREADY_ENABLED';
  constructor() {
    super('Two-factor authentication is already on. Disable it first to enrol a new authenticator.');
  }
}

export class MfaNotEnabledError extends DomainError {
  readonly code = 'MFA_NOT_ENABLED';
  constructor(message = 'Two-factor authentication is not on for this account.') {
    super(message);
  }
}
