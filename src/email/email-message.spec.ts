import { OutboundMessage } from '../notifications/channel.port';
import { isSingleAddress, mailFor, messageIdFor } from './email-message';

const identity = { from: 'Outage Notifier <noreply@example.net>', messageIdDomain: 'mail.example.net' };
const message: OutboundMessage = {
  messageId: '123',
  channel: 'email',
  to: 'ivan@example.com',
  subject: 'Авария в вашем районе',
  text: 'Нет света',
  html: '<p>Нет света</p>',
  unsubscribeUrl: 'https://status.example.net/v1/public/unsubscribe?token=7.abc',
};

describe(messageIdFor.name, () => {
  it('should give the same Message-ID for the same message id on every call', () => {
    expect(messageIdFor('123', 'example.net')).toBe('<msg-123.outage-notifier@example.net>');
    expect(messageIdFor('123', 'example.net')).toBe(messageIdFor('123', 'example.net'));
  });

  it('should keep characters a Message-ID cannot carry out of it when the id has them', () => {
    expect(messageIdFor('a b<c>@d', 'example.net')).toBe('<msg-a_b_c__d.outage-notifier@example.net>');
  });
});

describe(isSingleAddress.name, () => {
  it.each([
    ['ivan@example.com', true],
    ['ivan.petrov+outages@mail.example.co.uk', true],
    ['ivan@example.com, boss@example.com', false],
    ['Ivan <ivan@example.com>', false],
    ['ivan@example.com\r\nBcc: x@y.z', false],
    ['ivan', false],
    ['ivan@localhost', false],
  ])('should say %j is a single address: %s', (to, expected) => {
    expect(isSingleAddress(to)).toBe(expected);
  });
});

describe(mailFor.name, () => {
  it('should carry text, HTML, subject, From, the Message-ID and one-click unsubscribe headers', () => {
    const sut = mailFor(message, identity);
    expect(sut).toEqual({
      from: identity.from,
      to: 'ivan@example.com',
      subject: 'Авария в вашем районе',
      text: 'Нет света',
      html: '<p>Нет света</p>',
      messageId: '<msg-123.outage-notifier@mail.example.net>',
      headers: {
        'List-Unsubscribe': '<https://status.example.net/v1/public/unsubscribe?token=7.abc>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
  });

  it('should give every try of one message the Message-ID of its key, whatever the id of the try', () => {
    const first = mailFor({ ...message, messageId: '123', key: '77:2:notice' }, identity);
    const again = mailFor({ ...message, messageId: '456', key: '77:2:notice' }, identity);
    expect(first.messageId).toBe('<msg-77_2_notice.outage-notifier@mail.example.net>');
    expect(again.messageId).toBe(first.messageId);
  });

  it('should leave the unsubscribe headers out when the message has no unsubscribe URL', () => {
    expect(mailFor({ ...message, unsubscribeUrl: undefined }, identity).headers).toEqual({});
  });
});
