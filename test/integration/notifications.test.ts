import { PlannerService } from '../../src/notifications/planner.service';
import { TestEngine } from '../support/engine';
import { seedTopology, SubscriberKey, SUBSCRIBERS } from '../support/topology';
import { waitFor } from '../support/wait';

// 16:00Z: 23:00 in Novosibirsk (s1, s2, s5 unless moved), 02:00 in Vladivostok (s3, s4), 19:00 in Moscow.
const EVENING = '2026-11-23T16:00:00Z';
const NSK_MORNING = '2026-11-24T02:00:00Z'; // 09:00 in Novosibirsk
const phone = (k: SubscriberKey) => SUBSCRIBERS[k].phone;
const email = (k: SubscriberKey) => SUBSCRIBERS[k].email;

async function kinds(engine: TestEngine, subscriberId: number, channel: 'sms' | 'email'): Promise<string[]> {
  const rows = await engine.api.db.query(
    `SELECT kind FROM messages WHERE subscriber_id = $1 AND channel = $2 AND state = 'accepted' ORDER BY id`,
    [subscriberId, channel],
  );
  return rows.map((r: { kind: string }) => r.kind);
}

async function declare(engine: TestEngine, body: Record<string, unknown> = {}) {
  const res = await engine.api.post('/v1/incidents', {
    title: 'Ring failure', kind: 'outage', scope: { areaCodes: ['RU'] }, etr: '2026-11-24T06:00:00Z', ...body,
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body;
}

describe('notification engine: quiet hours and coalescing', () => {
  let engine: TestEngine;
  let ids: Record<SubscriberKey, number>;
  beforeAll(async () => {
    engine = await TestEngine.start();
    ids = await seedTopology(engine.api, { s5: { timezone: 'Europe/Moscow' }, s3: { flags: ['24x7'] }, s2: { channels: { sms: false, email: true } } });
  });
  afterAll(() => engine.stop());

  it('should text the awake, email everyone, and hold SMS for the asleep until their morning with the latest state', async () => {
    engine.setNow(EVENING);
    const incident = await declare(engine);
    await engine.settle();

    expect(engine.sms.to(phone('s5'))).toHaveLength(1); // Moscow, 19:00: awake
    expect(engine.sms.to(phone('s1'))).toHaveLength(0); // Novosibirsk, 23:00: asleep
    expect(engine.sms.to(phone('s2'))).toHaveLength(0); // SMS consent off
    expect(engine.email.to(email('s1'))).toHaveLength(1); // email may go at any hour
    expect(engine.email.to(email('s2'))).toHaveLength(1);
    expect(await kinds(engine, ids.s5, 'sms')).toEqual(['notice']);

    // Three ETR changes during the night.
    for (const [at, etr] of [['2026-11-23T17:00:00Z', '2026-11-24T08:00:00Z'], ['2026-11-23T19:00:00Z', '2026-11-24T10:00:00Z'],
      ['2026-11-23T21:00:00Z', '2026-11-24T12:00:00Z']]) {
      engine.setNow(at);
      expect((await engine.api.post(`/v1/incidents/${incident.id}/updates`, { etr })).status).toBe(200);
      await engine.settle();
    }
    expect(engine.sms.to(phone('s1'))).toHaveLength(0);
    expect(await kinds(engine, ids.s5, 'sms')).toEqual(['notice', 'etr_change']); // 20:00 Moscow yes; 22:00 and later no

    engine.setNow(NSK_MORNING);
    await engine.settle();
    const morning = engine.sms.to(phone('s1'));
    expect(morning).toHaveLength(1); // one message, not a backlog of four
    expect(await kinds(engine, ids.s1, 'sms')).toEqual(['notice']);
    const [row] = await engine.api.db.query(
      `SELECT m.incident_version = i.version AS latest FROM messages m JOIN incidents i ON i.id = m.incident_id
       WHERE m.subscriber_id = $1 AND m.channel = 'sms'`,
      [ids.s1],
    );
    expect(row.latest).toBe(true);
    expect(morning[0].text).toContain('19:00'); // the latest ETR, 12:00Z, in Novosibirsk time
  });

  it('should tell a subscriber flagged 24/7 at night, and record that quiet hours were bypassed', async () => {
    const rows = await engine.api.db.query(
      `SELECT kind, quiet_bypass FROM messages WHERE subscriber_id = $1 AND channel = 'sms' ORDER BY id`,
      [ids.s3],
    );
    expect(rows[0]).toEqual({ kind: 'notice', quiet_bypass: true }); // 02:00 in Vladivostok
    const [s4] = await engine.api.db.query(
      `SELECT quiet_bypass, created_at FROM messages WHERE subscriber_id = $1 AND channel = 'sms' ORDER BY id LIMIT 1`,
      [ids.s4],
    );
    expect(s4).toEqual({ quiet_bypass: false, created_at: new Date(NSK_MORNING) }); // same zone, not flagged: 12:00 local
  });

  it('should show thread and message counts by channel and state on the incident', async () => {
    const list = await engine.api.get('/v1/incidents?limit=1');
    const detail = await engine.api.get(`/v1/incidents/${list.body.items[0].id}`);
    expect(detail.body.stats.messages.sms.accepted).toBeGreaterThan(0);
    expect(detail.body.stats.messages.email.accepted).toBeGreaterThan(0);
    const page = await engine.api.get(`/v1/incidents/${list.body.items[0].id}/messages?channel=sms&limit=2`);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items.every((m: any) => m.channel === 'sms')).toBe(true);
    const mine = await engine.api.get(`/v1/subscribers/${ids.s1}/messages`);
    // Email goes at any hour, so each overnight ETR change was emailed; SMS waited and said it once.
    expect(mine.body.items.map((m: any) => `${m.channel}:${m.kind}`)).toEqual([
      'sms:notice', 'email:etr_change', 'email:etr_change', 'email:etr_change', 'email:notice',
    ]);
  });
});

describe('notification engine: endings', () => {
  let engine: TestEngine;
  let ids: Record<SubscriberKey, number>;
  beforeAll(async () => {
    engine = await TestEngine.start();
    ids = await seedTopology(engine.api, { s5: { timezone: 'Europe/Moscow' } });
  });
  afterAll(() => engine.stop());

  it('should turn an outage that began and ended overnight into one morning summary', async () => {
    engine.setNow(EVENING);
    const incident = await declare(engine, { scope: { areaCodes: ['DIST-A1a'] } }); // s1 only, asleep
    await engine.settle();
    engine.setNow('2026-11-23T20:00:00Z');
    await engine.api.post(`/v1/incidents/${incident.id}/resolve`, {});
    await engine.settle();
    expect(await kinds(engine, ids.s1, 'sms')).toEqual([]);
    engine.setNow(NSK_MORNING);
    await engine.settle();
    expect(await kinds(engine, ids.s1, 'sms')).toEqual(['summary']);
    expect(await kinds(engine, ids.s1, 'email')).toEqual(['notice', 'restored']);

    engine.setNow('2026-11-24T04:00:00Z'); // 11:00 in Novosibirsk, past the follow-up delay
    await engine.settle();
    expect(await kinds(engine, ids.s1, 'sms')).toEqual(['summary', 'followup']);
  });

  it('should correct a cancelled incident only towards those who were told', async () => {
    engine.setNow(EVENING);
    const incident = await declare(engine, { scope: { areaCodes: ['CITY-A1'] } }); // s1, s2 asleep; s5 in Moscow awake
    await engine.settle();
    await engine.api.post(`/v1/incidents/${incident.id}/cancel`, { reason: 'declared in error' });
    await engine.settle();
    engine.setNow(NSK_MORNING);
    await engine.settle();
    const sms = await engine.api.db.query(
      `SELECT subscriber_id, kind FROM messages WHERE incident_id = $1 AND channel = 'sms' ORDER BY id`,
      [incident.id],
    );
    expect(sms).toEqual([
      { subscriber_id: ids.s5, kind: 'notice' },
      { subscriber_id: ids.s5, kind: 'correction' },
    ]);
  });
});

describe('notification engine: caps and failures', () => {
  let engine: TestEngine;
  let ids: Record<SubscriberKey, number>;
  beforeAll(async () => {
    engine = await TestEngine.start({
      CLAIM_LEASE_SECONDS: '60', DELIVERY_BATCH_SIZE: '2', SHUTDOWN_GRACE_SECONDS: '1', WORKER_CONCURRENCY: '1',
    });
    ids = await seedTopology(engine.api, { s5: { timezone: 'Europe/Moscow' } });
  });
  afterAll(() => engine.stop());

  it('should hold SMS beyond 4 in 24 hours and send the latest state when a slot frees', async () => {
    engine.setNow('2026-11-23T08:00:00Z'); // 11:00 in Moscow
    const incident = await declare(engine, { scope: { areaCodes: ['CITY-A1'] }, etr: '2026-11-23T10:00:00Z' });
    await engine.settle();
    for (let i = 1; i <= 5; i++) {
      engine.setNow(`2026-11-23T${String(8 + i).padStart(2, '0')}:00:00Z`);
      await engine.api.post(`/v1/incidents/${incident.id}/updates`, { etr: `2026-11-23T${String(10 + i).padStart(2, '0')}:30:00Z` });
      await engine.settle();
    }
    expect(await kinds(engine, ids.s5, 'sms')).toEqual(['notice', 'etr_change', 'etr_change', 'etr_change']);
    engine.setNow('2026-11-24T09:00:00Z'); // 12:00 Moscow, the first text is 25 h old
    await engine.settle();
    const texts = await kinds(engine, ids.s5, 'sms');
    expect(texts).toHaveLength(5);
    expect(engine.sms.to(phone('s5')).at(-1)!.text).toContain('18:30'); // the latest ETR (15:30Z) in Moscow time
  });

  it('should lose nothing and double at most one batch when a worker dies mid-batch and Redis is flushed', async () => {
    engine.setNow('2026-11-25T08:00:00Z');
    engine.sms.clear();
    let hang = true;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r)); // the worker dies holding its batch; released once the test is over
    const original = engine.sms.send.bind(engine.sms);
    engine.sms.send = async (batch) => {
      if (hang) {
        hang = false;
        batch.forEach((m) => engine.sms.sent.push(m)); // handed over, outcome never recorded
        await gate;
      }
      return original(batch);
    };
    const incident = await declare(engine, { scope: { areaCodes: ['RU'] }, etr: '2026-11-25T12:00:00Z' });
    await waitFor(() => !hang, 'the batch to be handed over');
    await engine.stopWorker(); // killed: its transaction ends with its connections, nothing of the batch is recorded

    const redis = new (require('ioredis'))(process.env.REDIS_URL);
    const keys: string[] = await redis.keys(`${process.env.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();

    engine.sms.send = original; // no lease to wait for: the dead batch's threads are free at once
    await engine.startWorker();
    await engine.settle();

    // Count only this incident's texts: the earlier incident's reassurances also come due now.
    const mine = new Map<string, number>(
      (await engine.api.db.query(`SELECT id::text, subscriber_id FROM messages WHERE incident_id = $1 AND channel = 'sms'`, [incident.id]))
        .map((r: { id: string; subscriber_id: number }) => [r.id, r.subscriber_id]),
    );
    const handed = new Map<number, number>();
    for (const m of engine.sms.sent.filter((m) => mine.has(m.messageId))) {
      handed.set(mine.get(m.messageId)!, (handed.get(mine.get(m.messageId)!) ?? 0) + 1);
    }
    const reachable = ['s1', 's2', 's3', 's4', 's5'] as const;
    for (const k of reachable) expect(handed.get(ids[k])).toBeGreaterThanOrEqual(1);
    // The at-least-once window: the same message handed over twice happens only for the batch that
    // was in flight when the worker died (one job at a time, 2 threads).
    const times = new Map<string, number>();
    for (const m of engine.sms.sent) times.set(`${m.to}|${m.text}`, (times.get(`${m.to}|${m.text}`) ?? 0) + 1);
    const twice = [...times.values()].filter((n) => n > 1);
    expect(twice.length).toBeGreaterThanOrEqual(1);
    expect(twice.length).toBeLessThanOrEqual(2);
    expect(Math.max(...twice)).toBe(2);
    const [row] = await engine.api.db.query(
      `SELECT count(*)::int AS n, count(DISTINCT subscriber_id)::int AS subscribers FROM messages
       WHERE incident_id = $1 AND channel = 'sms' AND state = 'accepted'`,
      [incident.id],
    );
    expect(row).toEqual({ n: reachable.length, subscribers: reachable.length }); // one recorded message each
    release(); // the dead worker's job ends, and its connection with it
  });
});

describe('notification engine: refused and failing hand-overs', () => {
  let engine: TestEngine;
  let ids: Record<SubscriberKey, number>;
  beforeAll(async () => {
    engine = await TestEngine.start();
    ids = await seedTopology(engine.api);
  });
  afterAll(() => engine.stop());

  it('should put a customer whose text was refused on the call list, and give up on a text still failing after 12 tries', async () => {
    let now = Date.parse('2026-11-27T04:00:00Z'); // 11:00 in Novosibirsk (s1, s2, s5)
    engine.setNow(new Date(now).toISOString());
    engine.sms.rule = (m) =>
      m.to === phone('s1') ? { messageId: m.messageId, status: 'failed', error: 'ESME_RINVDSTADR' }
        : m.to === phone('s2') ? { messageId: m.messageId, status: 'retry', error: 'ESME_RTHROTTLED' } : undefined;
    const incident = await declare(engine, { scope: { areaCodes: ['CITY-A1'] }, etr: '2026-11-27T12:00:00Z' });
    await engine.settle();
    const tries = () => engine.sms.to(phone('s2')).length;
    for (let i = 0; i < 15 && tries() < 12; i++) {
      now += 16 * 60_000; // past the longest back-off
      engine.setNow(new Date(now).toISOString());
      await engine.settle();
    }
    expect(tries()).toBe(12);

    const messages = await engine.api.db.query(
      `SELECT subscriber_id, state, error, attempts FROM messages WHERE incident_id = $1 AND channel = 'sms' ORDER BY subscriber_id`,
      [incident.id],
    );
    expect(messages).toEqual([
      { subscriber_id: ids.s1, state: 'failed', error: 'ESME_RINVDSTADR', attempts: 1 },
      { subscriber_id: ids.s2, state: 'failed', error: 'gave up after 12 attempts: ESME_RTHROTTLED', attempts: 12 },
      { subscriber_id: ids.s5, state: 'accepted', error: null, attempts: 1 },
    ]);
    const calls = await engine.api.get(`/v1/incidents/${incident.id}/call-list?limit=50`);
    const reasons = new Map(calls.body.map((c: { subscriberId: number; reasons: object[] }) => [c.subscriberId, c.reasons]));
    expect(reasons.get(ids.s1)).toContainEqual({ code: 'undelivered', channel: 'sms', error: 'ESME_RINVDSTADR' });
    expect(reasons.get(ids.s2)).toContainEqual({ code: 'undelivered', channel: 'sms', error: 'ESME_RTHROTTLED', attempts: 12 });
    expect(reasons.has(ids.s5)).toBe(false);
    engine.sms.rule = undefined;
  });

  it('should take back at once, and not count as a try, a text the channel never handed over before the batch deadline', async () => {
    engine.setNow('2026-11-28T04:00:00Z');
    let held = 0;
    engine.sms.rule = (m) => (m.to === phone('s5') && held++ === 0 ? { messageId: m.messageId, status: 'retry', error: 'batch deadline passed', untried: true } : undefined);
    const incident = await declare(engine, { scope: { areaCodes: ['CITY-A1'] }, etr: '2026-11-28T12:00:00Z' });
    await engine.settle(); // same instant: no back-off to wait for

    expect(held).toBeGreaterThanOrEqual(2); // held once, then sent (and the earlier incident's reassurance)
    const [message] = await engine.api.db.query(`SELECT state, attempts FROM messages WHERE incident_id = $1 AND subscriber_id = $2 AND channel = 'sms'`, [
      incident.id, ids.s5,
    ]);
    expect(message).toEqual({ state: 'accepted', attempts: 1 });
    engine.sms.rule = undefined;
  });

  it('should store each message with its own words and its parts under the SMSC ids in order, a refused text with none', async () => {
    engine.setNow('2026-11-29T07:00:00Z'); // 14:00 in Novosibirsk, 10:00 in Moscow
    // Ids of the message's own (other incidents' reassurances go in the same batches), three parts for s1 on another SMSC.
    const partCount: Record<string, number> = { [phone('s1')]: 3, [phone('s5')]: 1 };
    engine.sms.rule = (m) => {
      if (m.to === phone('s2')) return { messageId: m.messageId, status: 'failed', error: 'ESME_RINVDSTADR' };
      const n = partCount[m.to];
      if (!n) return undefined;
      const providerIds = Array.from({ length: n }, (_, i) => `m${m.messageId}-${i + 1}`);
      return { messageId: m.messageId, status: 'accepted', providerIds, parts: n, provider: m.to === phone('s1') ? 'smsc-b' : undefined };
    };
    const incident = await declare(engine, { scope: { areaCodes: ['CITY-A1'] }, etr: '2026-11-29T12:00:00Z' });
    await engine.settle();
    engine.sms.rule = undefined;

    const rows = await engine.api.db.query(
      `SELECT m.id::text, m.subscriber_id, m.channel::text, m.recipient, m.subject, m.body, m.state::text, m.parts,
              m.thread_id = t.id AS own_thread,
              coalesce(array_agg(p.provider_id || '@' || p.smsc || '#' || p.part ORDER BY p.part) FILTER (WHERE p.part IS NOT NULL), '{}') AS parts_stored
       FROM messages m JOIN notification_threads t ON t.incident_id = m.incident_id AND t.subscriber_id = m.subscriber_id AND t.channel = m.channel
       LEFT JOIN message_parts p ON p.message_id = m.id
       WHERE m.incident_id = $1 GROUP BY m.id, t.id ORDER BY m.channel, m.subscriber_id`,
      [incident.id],
    );
    const sms = rows.filter((r: { channel: string }) => r.channel === 'sms');
    expect(sms.map((r: { subscriber_id: number }) => r.subscriber_id)).toEqual(expect.arrayContaining([ids.s1, ids.s5]));
    for (const r of sms) {
      const expected = {
        [ids.s1]: { state: 'accepted', parts: 3, stored: [1, 2, 3].map((i) => `m${r.id}-${i}@smsc-b#${i}`) },
        [ids.s2]: { state: 'failed', parts: null, stored: [] },
        [ids.s5]: { state: 'accepted', parts: 1, stored: [`m${r.id}-1@default#1`] },
      }[r.subscriber_id];
      expect({ state: r.state, parts: r.parts, stored: r.parts_stored }).toEqual(expected);
    }
    const emails = rows.filter((r: { channel: string }) => r.channel === 'email');
    expect(emails.length).toBeGreaterThan(0);
    for (const r of rows) {
      // Each row keeps what its own reader was sent, and its thread's incident, subscriber and channel.
      const sent = (r.channel === 'sms' ? engine.sms : engine.email).to(r.recipient).filter((m) => m.text === r.body);
      expect(sent).not.toHaveLength(0);
      expect(r.subject).toBe(r.channel === 'email' ? sent[0].subject : null);
      expect(r.own_thread).toBe(true);
    }
    expect(new Set(emails.map((r: { body: string }) => r.body)).size).toBe(emails.length); // emails carry their reader's name and link
  });

  it('should take over a refused text\'s row when its version is planned again, and keep the first part of an SMSC id given twice', async () => {
    engine.setNow('2026-11-30T07:00:00Z'); // 14:00 in Novosibirsk
    // This incident's notices only: earlier incidents' reassurances to the same people share the batches.
    engine.sms.rule = (m) =>
      !m.key?.endsWith(':notice') ? undefined
        : m.to === phone('s2') ? { messageId: m.messageId, status: 'failed', error: 'ESME_RINVDSTADR' }
        : m.to === phone('s1') ? { messageId: m.messageId, status: 'accepted', providerIds: ['twice-1'], parts: 1 } : undefined;
    const incident = await declare(engine, { scope: { areaCodes: ['CITY-A1'] }, etr: '2026-11-30T12:00:00Z' });
    await engine.settle();
    const rows = () => engine.api.db.query(
      `SELECT m.subscriber_id, m.state::text, m.error, m.attempts, m.parts, coalesce(array_agg(p.provider_id) FILTER (WHERE p.provider_id IS NOT NULL), '{}') AS stored
       FROM messages m LEFT JOIN message_parts p ON p.message_id = m.id
       WHERE m.incident_id = $1 AND m.channel = 'sms' AND m.subscriber_id = ANY($2::int[]) GROUP BY m.id ORDER BY m.subscriber_id`,
      [incident.id, [ids.s1, ids.s2]],
    );
    expect(await rows()).toEqual([
      { subscriber_id: ids.s1, state: 'accepted', error: null, attempts: 1, parts: 1, stored: ['twice-1'] },
      { subscriber_id: ids.s2, state: 'failed', error: 'ESME_RINVDSTADR', attempts: 1, parts: null, stored: [] },
    ]);

    // The same version planned again (as after a crash mid-plan): s2's notice goes out again, and the SMSC gives it s1's id.
    engine.sms.rule = (m) => (m.to === phone('s2') && m.key?.endsWith(':notice') ? { messageId: m.messageId, status: 'accepted', providerIds: ['twice-1'], parts: 1 } : undefined);
    await engine.api.db.query(`UPDATE incidents SET planned_version = planned_version - 1 WHERE id = $1`, [incident.id]);
    expect(await engine.worker!.get(PlannerService).plan(incident.id)).toMatchObject({ status: 'done' });
    await engine.settle();
    engine.sms.rule = undefined;

    expect(await rows()).toEqual([
      { subscriber_id: ids.s1, state: 'accepted', error: null, attempts: 1, parts: 1, stored: ['twice-1'] },
      { subscriber_id: ids.s2, state: 'accepted', error: null, attempts: 2, parts: 1, stored: [] },
    ]);
  });
});


describe('notification engine: the incident\'s own words in each subscriber\'s language', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await TestEngine.start();
    await seedTopology(engine.api, { s5: { timezone: 'Europe/Moscow', locale: 'en' }, s1: { locale: 'ru' } });
  });
  afterAll(() => engine.stop());

  it('should give each subscriber the title and message in their language, and link the status page in it', async () => {
    engine.setNow(EVENING);
    await declare(engine, {
      title: undefined, titles: { ru: 'Обрыв кабеля на Ленина', en: 'Fibre cut on Lenina st.' },
      publicMessages: { ru: 'Бригада уже едет.', en: 'The crew is on its way.' }, scope: { areaCodes: ['CITY-A1'] },
    });
    await engine.settle();
    const [en] = engine.email.to(email('s5'));
    expect(en.subject).toContain('Fibre cut on Lenina st.');
    expect(en.text).toContain('The crew is on its way.');
    expect(en.text).not.toContain('Обрыв');
    expect(en.text).toMatch(/\/s\/[A-Z0-9]{4}-[A-Z0-9]{4}\/en\b/);
    const [ru] = engine.email.to(email('s1'));
    expect(ru.subject).toContain('Обрыв кабеля на Ленина');
    expect(ru.text).toContain('Бригада уже едет.');
    expect(ru.text).toMatch(/\/s\/[A-Z0-9]{4}-[A-Z0-9]{4}\/ru\b/);
    expect(engine.sms.to(phone('s5'))[0].text).toMatch(/\/en$/); // Moscow, 19:00: awake, texted now
  });

  it('should use a title given for every language in each of them', async () => {
    engine.setNow(EVENING);
    const incident = await declare(engine, { title: 'Ring failure B', scope: { areaCodes: ['CITY-A1'] } });
    await engine.api.post(`/v1/incidents/${incident.id}/updates`, { messages: { en: 'Spliced; testing now.' } });
    await engine.settle();
    const texts = (to: string) => engine.email.to(to).map((m) => m.text).join('\n');
    expect(texts(email('s5'))).toContain('Ring failure B');
    expect(texts(email('s1'))).toContain('Ring failure B');
  });
});
