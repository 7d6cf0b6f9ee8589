import type { SendMailOptions } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { OutboundMessage } from '../notifications/channel.port';
import type { SmtpEnvelope } from './smtp-pool';

export interface EmailIdentity {
  /** The From header: an address or "Name <address>". */
  from: string;
  /** Right-hand side of our Message-IDs. */
  messageIdDomain: string;
}

// One address and nothing else: a comma or a display name would let `to` name more recipients.
const SINGLE_ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;

export function isSingleAddress(to: string): boolean {
  return SINGLE_ADDRESS.test(to);
}

/**
 * The same Message-ID on every attempt of one message (its key, else its id), so a resend after
 * an unsure outcome is recognisable as the same email to the relay and the recipient's client.
 */
export function messageIdFor(messageId: string, domain: string): string {
  return `<msg-${messageId.replace(/[^A-Za-z0-9._-]/g, '_')}.outage-notifier@${domain}>`;
}

/** Text and HTML (multipart/alternative when both), and RFC 8058 one-click unsubscribe headers. */
export function mailFor(m: OutboundMessage, identity: EmailIdentity): SendMailOptions {
  const headers: Record<string, string> = {};
  if (m.unsubscribeUrl) {
    headers['List-Unsubscribe'] = `<${m.unsubscribeUrl}>`;
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  }
  return {
    from: identity.from,
    to: m.to,
    subject: m.subject ?? '',
    text: m.text,
    html: m.html,
    messageId: messageIdFor(m.key ?? m.messageId, identity.messageIdDomain),
    headers,
  };
}

/**
 * The message as nodemailer composes it, with the envelope it derives (an international address
 * as the relay needs it): for what EmailMime does not write itself.
 */
export async function composedMail(m: OutboundMessage, identity: EmailIdentity): Promise<{ envelope: SmtpEnvelope; raw: Buffer }> {
  // Messages are our own text and HTML: nothing in them may make nodemailer read files or URLs.
  const node = new MailComposer({ ...mailFor(m, identity), disableFileAccess: true, disableUrlAccess: true }).compile();
  const { from, to } = node.getEnvelope();
  return { envelope: { from: from || '', to }, raw: await node.build() };
}
