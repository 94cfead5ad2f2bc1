import { DomainError } from '../../lib/errors';

/** One answer for unknown e-mail, wrong password and disabled account: no account enumeration. */
export class InvalidCredentialsError extends DomainError {
  readonly code = 'INVALID_CREDENTIALS';
  constructor() {
    super('The e-mail address or password is not correct.');
  }
}

export class AccountLockedError extends DomainError {
  readonly code = 'ACCOUNT_LOCKED';
  /** `lockedUntil` null: until an administrator unlocks the account. */
  constructor(readonly lockedUntil: Date | null) {
    super(lockedUntil ? 'Too many failed attempts: sign-in is locked for a while.' : 'Too many failed attempts: sign-in is locked until an administrator unlocks the account.');
  }
}
