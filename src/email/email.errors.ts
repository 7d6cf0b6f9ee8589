import { DomainError } from '../common/errors';

export class InvalidUnsubscribeLink extends DomainError {
  constructor() {
    super('INVALID_UNSUBSCRIBE_LINK', 'the unsubscribe link is incomplete or was not made by this service', 400);
  }
}

export class UnsubscribeSubscriberGone extends DomainError {
  constructor() {
    super('SUBSCRIBER_NOT_FOUND', 'the subscriber of this unsubscribe link no longer exists', 404);
  }
}
