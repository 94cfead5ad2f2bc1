import { DomainError } from '../../lib/errors';

export class InvalidWebhookUrlError extends DomainError {
  readonly code = 'INVALID_WEBHOOK_URL';
}
