import { DomainError } from '../../lib/errors';

export class EmailTakenError extends DomainError {
  readonly code = 'EMAIL_TAKEN';
  constructor() {
    super('An account with this e-mail address already exists.');
  }
}

export class WeakPasswordError extends DomainError {
  readonly code = 'WEAK_PASSWORD';
  constructor(readonly reasons: string[]) {
    super(`The password is not strong enough: ${reasons.join(' ')}`);
  }
}
