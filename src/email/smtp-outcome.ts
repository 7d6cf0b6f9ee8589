import type { NodemailerError } from 'nodemailer';
import { maskText } from '../common/mask';
import { DeliveryOutcome } from '../notifications/channel.port';

const MAX_REASON = 300;

/**
 * The relay's own id for the message when its reply names one (Postfix "queued as X", Exim
 * "id=X"), else the reply text: all there is to look the message up by in the relay's logs.
 */
export function queueIdFrom(response: string | undefined): string {
  const text = (response ?? '').trim();
  const id = /queued as ([\w.-]+)/i.exec(text)?.[1] ?? /\bid=([\w.-]+)/i.exec(text)?.[1];
  return (id ?? text.replace(/^\d{3}[ -](\d\.\d{1,3}\.\d{1,3} )?/, '')).slice(0, MAX_REASON) || 'accepted';
}

export function acceptedOutcome(messageId: string, response: string | undefined): DeliveryOutcome {
  return { messageId, status: 'accepted', providerIds: [queueIdFrom(response)], parts: 1 };
}

/**
 * 5xx is the relay's final word on this message: failed. Everything else can go through later:
 * 4xx, 503 (a session in the wrong state, not a verdict on the message), connection errors and
 * timeouts, and a failed login (our configuration, not the recipient's fault).
 * Replies often quote the recipient's address, so the reason is masked before it is stored.
 */
export function failureOutcome(messageId: string, err: unknown): Exclude<DeliveryOutcome, { status: 'accepted' }> {
  const e = (err ?? {}) as NodemailerError;
  const code = e.responseCode;
  const reason = maskText(e.response?.trim() || [e.code, e.message].filter(Boolean).join(': ') || String(err)).slice(0, MAX_REASON);
  const permanent = typeof code === 'number' && code >= 500 && code < 600 && code !== 503 && e.code !== 'EAUTH';
  return permanent ? { messageId, status: 'failed', error: reason } : { messageId, status: 'retry', error: reason };
}

/** nodemailer's codes for "no relay to talk to": refused or cut connections, timeouts, DNS. */
const UNREACHABLE = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS']);

/**
 * Whether an error says the relay could not be reached at all (no SMTP reply came), as opposed
 * to a reply about this message.
 */
export function relayUnreachable(err: unknown): boolean {
  const e = (err ?? {}) as NodemailerError;
  return typeof e.responseCode !== 'number' && typeof e.code === 'string' && UNREACHABLE.has(e.code);
}
