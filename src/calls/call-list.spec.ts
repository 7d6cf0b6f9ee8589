import { inEnglish } from './call-list';

describe('inEnglish (the v1 contract’s `reason`)', () => {
  it('should word each code as the list did before reasons had codes', () => {
    expect(inEnglish({ code: 'vip' })).toBe('vip customer');
    expect(inEnglish({ code: 'business' })).toBe('business customer');
    expect(inEnglish({ code: 'unreachable' })).toBe('no reachable channel');
    expect(inEnglish({ code: 'opted_out' })).toBe('opted out of SMS (STOP), no other channel');
    expect(inEnglish({ code: 'flagged', flags: ['hospital', 'life-support'] })).toBe('flagged: hospital, life-support');
    expect(inEnglish({ code: 'repeat_incidents', count: 3, days: 90 })).toBe('hit by 3 incidents in 90 days');
    expect(inEnglish({ code: 'undelivered', channel: 'sms', error: 'EXPIRED err:001' })).toBe('text did not get through: EXPIRED err:001');
    expect(inEnglish({ code: 'undelivered', channel: 'email', error: '550 no such user', attempts: 5 }))
      .toBe('email did not get through: gave up after 5 attempts: 550 no such user');
    expect(inEnglish({ code: 'other', text: 'called by the NOC' })).toBe('called by the NOC');
  });
});
