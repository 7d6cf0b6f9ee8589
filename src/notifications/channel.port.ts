/**
 * The one thing the notification engine knows about channels: hand over rendered messages,
 * get an outcome per message. SMPP and SMTP details live in their adapters (src/sms, src/email).
 */
export type ChannelName = 'sms' | 'email';

export interface OutboundMessage {
  /** Our message id (messages.id of this try): outcomes come back under it. */
  messageId: string;
  /** The same on every try of one message (thread, incident version, kind): the email's Message-ID. */
  key?: string;
  channel: ChannelName;
  /** E.164 for SMS, an address for email. */
  to: string;
  text: string;
  /** Email only. */
  subject?: string;
  html?: string;
  /** Email only: where List-Unsubscribe points. */
  unsubscribeUrl?: string;
}

export type DeliveryOutcome =
  /** The provider took it: SMSC message ids (one per SMS part) or the SMTP queue id; `provider`: which SMSC (its route's name). */
  | { messageId: string; status: 'accepted'; providerIds: string[]; parts: number; provider?: string }
  /**
   * Not now (throttled, connection lost, 4xx): the engine tries again later. `untried`: never handed over (the batch's deadline
   * passed first, or the SMSC had no bind: then also `unavailable`, and another SMSC may take it).
   */
  | { messageId: string; status: 'retry'; error: string; untried?: boolean; unavailable?: boolean }
  /** Never (rejected destination, 5xx): recorded with the reason. */
  | { messageId: string; status: 'failed'; error: string };

export interface ChannelPort {
  readonly channel: ChannelName;
  /**
   * Sends a batch; resolves with one outcome per message, in any order, never rejects for one
   * message. What has not been handed over by `deadline` (epoch ms) comes back as untried `retry`.
   */
  send(batch: OutboundMessage[], deadline?: number): Promise<DeliveryOutcome[]>;
}

/** Nest injection tokens for the adapters. */
export const SMS_CHANNEL = Symbol('SMS_CHANNEL');
export const EMAIL_CHANNEL = Symbol('EMAIL_CHANNEL');
