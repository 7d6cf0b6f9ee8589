import { describe, expect, it } from 'vitest';
import { reasonsText, reasonText } from './reasons';

describe(reasonText.name, () => {
  it('should word each code in the viewer\'s language', () => {
    const reasons = [{ code: 'vip' }, { code: 'repeat_incidents', count: 2, days: 90 }, { code: 'opted_out' }] as const;
    expect(reasonsText([...reasons], 'en')).toBe('VIP customer; hit by 2 incidents in 90 days; opted out of SMS (STOP), no other channel');
    expect(reasonsText([...reasons], 'ru')).toBe('VIP-клиент; повторные аварии: 2 за 90 дн.; отказался от СМС (STOP), другого канала нет');
  });

  it('should keep what the channel said and say how often it was tried when it was given up on', () => {
    expect(reasonText({ code: 'undelivered', channel: 'sms', error: 'ESME_RTHROTTLED', attempts: 12 }, 'ru')).toBe('СМС не доставлено (попыток: 12): ESME_RTHROTTLED');
    expect(reasonText({ code: 'undelivered', channel: 'email', error: '550 5.1.1 no such user' }, 'en')).toBe('email did not get through: 550 5.1.1 no such user');
    expect(reasonText({ code: 'undelivered', channel: 'sms', error: null }, 'en')).toBe('text did not get through');
  });

  it('should translate the flags it knows, show an operator\'s own flag as it is, and an old sentence as stored', () => {
    expect(reasonText({ code: 'flagged', flags: ['life-support', 'hospital'] }, 'ru')).toBe('особая отметка: жизнеобеспечение, hospital');
    expect(reasonText({ code: 'other', text: 'called twice before' }, 'ru')).toBe('called twice before');
  });
});
