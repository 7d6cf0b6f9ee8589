import { randomBytes } from 'crypto';
import addressparser from 'nodemailer/lib/addressparser';
import { foldLines } from 'nodemailer/lib/mime-funcs';
import MimeNode from 'nodemailer/lib/mime-node';
import { OutboundMessage } from '../notifications/channel.port';
import { EmailIdentity, messageIdFor } from './email-message';

/** Distinct subjects kept encoded: a send-out has one per incident version, kind and locale. */
const SUBJECTS_KEPT = 256;
const ASCII = /^[\x20-\x7e]*$/;
const LINE = 76;

/**
 * The text's UTF-8 as base64 in lines of 76 joined by CRLF (RFC 2045), exactly as nodemailer's
 * wrap(encode(text), 76) writes it, by slicing instead of its regular expression over every line.
 */
export function base64Lines(text: string): string {
  const encoded = Buffer.from(text, 'utf8').toString('base64');
  if (encoded.length <= LINE) return encoded;
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += LINE) lines.push(encoded.slice(i, i + LINE));
  return lines.join('\r\n');
}

/**
 * The email as RFC 5322 text, handed to nodemailer as `raw`: nodemailer's composer streams every
 * part through its own pipeline and was most of the worker's CPU per email. What all emails share
 * is encoded once — the From header once, each distinct subject once (with nodemailer's own header
 * encoding) — and each message fills in its own parts: To, Message-ID, Date, the unsubscribe
 * headers and its text and HTML as base64 (bodies carry the recipient's name and link).
 */
export class EmailMime {
  private readonly from: string;
  /** The envelope sender: the bare address of From. */
  readonly sender: string;
  private readonly boundary = `----=_outage_${randomBytes(12).toString('hex')}`;
  private readonly subjects = new Map<string, string>();

  constructor(private readonly identity: EmailIdentity) {
    this.from = foldLines(`From: ${MimeNode.encodeHeaderValue('From', identity.from)}`);
    const [first] = addressparser(identity.from);
    if (!first || !('address' in first) || !first.address) throw new Error(`SMTP_FROM has no address: ${identity.from}`);
    this.sender = first.address;
  }

  /**
   * Whether build() can write this message: an address of printable ASCII (one with other
   * characters needs nodemailer's own handling of international addresses).
   */
  static canBuild(m: OutboundMessage): boolean {
    return ASCII.test(m.to);
  }

  build(m: OutboundMessage, date = new Date()): string {
    const headers = [
      this.from,
      `To: ${m.to}`,
      this.subject(m.subject ?? ''),
      `Message-ID: ${messageIdFor(m.key ?? m.messageId, this.identity.messageIdDomain)}`,
      `Date: ${date.toUTCString().replace(/GMT/, '+0000')}`,
    ];
    if (m.unsubscribeUrl) headers.push(`List-Unsubscribe: <${m.unsubscribeUrl}>`, 'List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    headers.push('MIME-Version: 1.0');
    const part = (type: string, body: string) =>
      `--${this.boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(body)}\r\n`;
    if (m.html === undefined) {
      return `${headers.join('\r\n')}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(m.text)}\r\n`;
    }
    return (
      `${headers.join('\r\n')}\r\nContent-Type: multipart/alternative;\r\n boundary="${this.boundary}"\r\n\r\n` +
      part('text/plain', m.text) +
      part('text/html', m.html) +
      `--${this.boundary}--\r\n`
    );
  }

  private subject(subject: string): string {
    let header = this.subjects.get(subject);
    if (header === undefined) {
      if (this.subjects.size >= SUBJECTS_KEPT) this.subjects.clear();
      header = foldLines(`Subject: ${MimeNode.encodeHeaderValue('Subject', subject)}`);
      this.subjects.set(subject, header);
    }
    return header;
  }
}
