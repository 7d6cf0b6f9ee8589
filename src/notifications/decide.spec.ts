import { decide, IncidentNow, NotificationPolicy, ThreadTold } from './decide';

const policy: NotificationPolicy = { etrLaterMinutes: 30, etrEarlierMinutes: 60, summaryMinMinutes: 30, reassuranceHours: 12, followupHours: 2 };
const t = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00Z`);
const open = (over: Partial<IncidentNow> = {}): IncidentNow => ({ status: 'investigating', version: 1, etr: t('18:00'), startedAt: t('10:00'), resolvedAt: null, ...over });
const never: ThreadTold = { channel: 'sms', toldVersion: 0, toldKind: null, toldEtr: null, toldAt: null };
const toldNotice = (over: Partial<ThreadTold> = {}): ThreadTold => ({ channel: 'sms', toldVersion: 1, toldKind: 'notice', toldEtr: t('18:00'), toldAt: t('10:05'), ...over });

describe(decide.name, () => {
  it('should send a notice when the subscriber was never told of an open incident', () => {
    expect(decide(open(), never, t('10:01'), policy)).toEqual({ action: 'send', kind: 'notice' });
  });

  it.each([
    ['18:30', 'etr_change'], // later by 30 min
    ['18:29', 'none'],
    ['17:00', 'etr_change'], // earlier by 60 min
    ['17:01', 'none'],
  ])('should treat a new ETR of %s against a told 18:00 as %s', (etr, expected) => {
    const sut = decide(open({ version: 2, etr: t(etr) }), toldNotice(), t('11:00'), policy);
    expect(sut.action === 'send' ? sut.kind : sut.action).toBe(expected);
  });

  it('should tell an ETR that became known, but not one that was withdrawn', () => {
    expect(decide(open({ etr: t('18:00') }), toldNotice({ toldEtr: null }), t('11:00'), policy)).toEqual({ action: 'send', kind: 'etr_change' });
    expect(decide(open({ etr: null }), toldNotice(), t('11:00'), policy).action).toBe('none');
  });

  it('should reassure after 12 quiet hours and otherwise say when to look again', () => {
    const quiet = decide(open(), toldNotice(), t('21:00'), policy);
    expect(quiet).toMatchObject({ action: 'none', recheckAt: t('22:05') });
    expect(decide(open(), toldNotice(), t('22:05'), policy)).toEqual({ action: 'send', kind: 'reassurance' });
  });

  it('should send restored to those told, and a summary or nothing to those never told', () => {
    const resolved = open({ status: 'resolved', resolvedAt: t('12:00') });
    expect(decide(resolved, toldNotice(), t('12:01'), policy)).toEqual({ action: 'send', kind: 'restored' });
    expect(decide(resolved, never, t('12:01'), policy)).toEqual({ action: 'send', kind: 'summary' });
    const short = open({ status: 'resolved', startedAt: t('11:40'), resolvedAt: t('12:00') });
    expect(decide(short, never, t('12:01'), policy).action).toBe('none');
    expect(decide(resolved, never, t('12:01'), { ...policy, summaryMinMinutes: null }).action).toBe('none');
  });

  it('should follow up by SMS two hours after restoration, once', () => {
    const resolved = open({ status: 'resolved', resolvedAt: t('12:00') });
    const restored = toldNotice({ toldKind: 'restored', toldAt: t('12:01') });
    expect(decide(resolved, restored, t('12:30'), policy)).toMatchObject({ action: 'none', recheckAt: t('14:01') });
    expect(decide(resolved, restored, t('14:01'), policy)).toEqual({ action: 'send', kind: 'followup' });
    expect(decide(resolved, { ...restored, channel: 'email' }, t('14:01'), policy).action).toBe('none');
    // A morning summary of a night outage is not followed up at once, but two hours after it.
    const summary = toldNotice({ toldKind: 'summary', toldAt: t('20:00') });
    expect(decide(resolved, summary, t('20:30'), policy)).toMatchObject({ action: 'none', recheckAt: t('22:00') });
    expect(decide(resolved, toldNotice({ toldKind: 'followup' }), t('15:00'), policy).action).toBe('none');
  });

  it('should correct only those who were told of a cancelled incident, once', () => {
    const cancelled = open({ status: 'cancelled' });
    expect(decide(cancelled, toldNotice(), t('11:00'), policy)).toEqual({ action: 'send', kind: 'correction' });
    expect(decide(cancelled, never, t('11:00'), policy).action).toBe('none');
    expect(decide(cancelled, toldNotice({ toldKind: 'correction' }), t('11:00'), policy).action).toBe('none');
  });
});
