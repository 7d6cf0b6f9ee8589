import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { OutboundMessage } from '../notifications/channel.port';
import { mailFor } from './email-message';
import { encode, wrap } from 'nodemailer/lib/base64';
import { base64Lines, EmailMime } from './email-mime';

const identity = { from: 'Оповещения об авариях <noreply@example.net>', messageIdDomain: 'mail.example.net' };
const message: OutboundMessage = {
  messageId: '123',
  key: '77:2:notice',
  channel: 'email',
  to: 'ivan@example.com',
  subject: 'Авария: нет интернета в Ленинском районе, бригада на месте и работает над восстановлением [INC-7K2Q]',
  text: 'Здравствуйте, Иван!\n\nПростите нас: у нас авария.\n\nОтписаться: https://status.example.net/v1/public/unsubscribe?token=7.abc',
  html: '<p>Здравствуйте, Иван!</p><p>Простите нас: у нас авария.</p>',
  unsubscribeUrl: 'https://status.example.net/v1/public/unsubscribe?token=7.abc',
};

/** nodemailer's own composition of the same message, as it was sent before EmailMime. */
const composed = (m: OutboundMessage) =>
  new Promise<Buffer>((resolve, reject) => new MailComposer(mailFor(m, identity)).compile().build((e, b) => (e ? reject(e) : resolve(b))));

describe(base64Lines.name, () => {
  it("should write what nodemailer's wrap(encode(text), 76) writes, at and around whole lines", () => {
    // 57 bytes make one 76-character line of base64; 'Ж' is two bytes.
    for (const text of ['', 'a', 'a'.repeat(56), 'a'.repeat(57), 'a'.repeat(58), 'a'.repeat(114), 'Ж'.repeat(57), 'Здравствуйте, Иван!\n'.repeat(40)]) {
      expect(base64Lines(text)).toBe(wrap(encode(text), 76));
    }
  });
});

describe(EmailMime.name, () => {
  const sut = new EmailMime(identity);

  it('should read back, by an independent parser, as the message nodemailer composes from the same fields', async () => {
    const [ours, theirs] = await Promise.all([simpleParser(sut.build(message)), simpleParser(await composed(message))]);
    for (const parsed of [ours, theirs]) {
      expect(parsed.from?.value).toEqual([{ name: 'Оповещения об авариях', address: 'noreply@example.net' }]);
      expect(parsed.messageId).toBe('<msg-77_2_notice.outage-notifier@mail.example.net>');
    }
    expect(ours.to).toEqual(theirs.to);
    expect(ours.subject).toBe(message.subject);
    expect(ours.subject).toBe(theirs.subject);
    expect(ours.text).toBe(message.text);
    expect(ours.text).toBe(theirs.text);
    expect(ours.html).toBe(theirs.html);
    // mailparser files List-* headers under 'list'.
    expect(ours.headers.get('list')).toEqual({ unsubscribe: { url: message.unsubscribeUrl }, 'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' } });
    expect(ours.headers.get('list')).toEqual(theirs.headers.get('list'));
    expect(ours.headers.get('mime-version')).toBe('1.0');
    expect((ours.headers.get('content-type') as { value: string }).value).toBe('multipart/alternative');
  });

  it('should keep lines within 78 characters (but the unfoldable link) and end them with CRLF when the subject and bodies are long', () => {
    const raw = sut.build({ ...message, text: 'Ж'.repeat(3000), html: `<p>${'ж'.repeat(3000)}</p>` });
    const long = raw.split('\r\n').filter((line) => line.length > 78);
    expect(long).toEqual([`List-Unsubscribe: <${message.unsubscribeUrl}>`]);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('should give each recipient their own To, Message-ID and unsubscribe link while the subject is shared', async () => {
    const a = await simpleParser(sut.build(message));
    const b = await simpleParser(sut.build({ ...message, to: 'anna@example.com', key: '78:2:notice', unsubscribeUrl: 'https://x.example/u?t=8', text: 'Анна' }));
    expect(b.to).toMatchObject({ text: 'anna@example.com' });
    expect(b.messageId).toBe('<msg-78_2_notice.outage-notifier@mail.example.net>');
    expect(b.headers.get('list')).toMatchObject({ unsubscribe: { url: 'https://x.example/u?t=8' } });
    expect(b.text).toBe('Анна');
    expect(b.subject).toBe(a.subject);
  });

  it('should send a text-only message as a single text/plain part when there is no HTML', async () => {
    const parsed = await simpleParser(sut.build({ ...message, html: undefined }));
    expect(parsed.text).toBe(message.text);
    expect(parsed.html).toBe(false);
    expect((parsed.headers.get('content-type') as { value: string }).value).toBe('text/plain');
  });

  it.each([
    ['ivan@example.com', true],
    ['иван@пример.рф', false],
  ])('should say whether it can write the address %j itself: %s', (to, expected) => {
    expect(EmailMime.canBuild({ ...message, to })).toBe(expected);
  });

  it('should take the envelope sender from the From address', () => {
    expect(sut.sender).toBe('noreply@example.net');
  });
});
