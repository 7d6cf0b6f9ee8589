import { Clock } from '../../src/common/clock';
import { InboundService } from '../../src/inbound/inbound.service';
import { receiptsCounter, repliesCounter } from '../../src/inbound/inbound.metrics';
import { ReceiptsRepository } from '../../src/inbound/receipts.repository';
import { OutboundMessage } from '../../src/notifications/channel.port';
import { DeliveryReceipt, formatReceiptText, parseDeliveryReceipt } from '../../src/sms/delivery-receipt';
import { smppReceiptLagSeconds, smppReceiptsUnmatched } from '../../src/sms/smpp.metrics';
import { TestEngine } from '../support/engine';
import { expectCreated, seedTopology, SubscriberKey, SUBSCRIBERS } from '../support/topology';
import { waitFor } from '../support/wait';

/**
 * Receipts and SMS replies against the real worker and database, with the inbound handler fed
 * directly (the SMPP path itself is in inbound-smpp.test.ts) and a recording SMS channel.
 */

const phone = (k: SubscriberKey) => SUBSCRIBERS[k].phone;
const STRANGER = '+79990001122';
// 07:00Z: 14:00 in Novosibirsk (s1, s2, s5), 17:00 in Vladivostok (s3, s4): everyone awake.
const DAY = '2026-11-24';
const at = (hhmm: string, plusDays = 0) => new Date(Date.parse(`${DAY}T${hhmm}:00Z`) + plusDays * 86_400_000).toISOString();

async function counter(c: typeof receiptsCounter | typeof repliesCounter, label: string): Promise<number> {
  const { values } = await c.get();
  return values.find((v) => Object.values(v.labels).includes(label))?.value ?? 0;
}

function inbound(engine: TestEngine): InboundService {
  return engine.worker!.get(InboundService);
}

async function declare(engine: TestEngine, body: Record<string, unknown>) {
  const res = await engine.api.post('/v1/incidents', { title: 'Ring failure', kind: 'outage', etr: `${DAY}T11:00:00Z`, ...body });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as { id: number; code: string; manager: { id: number } };
}

describe('SMS replies', () => {
  let engine: TestEngine;
  let ids: Record<SubscriberKey, number>;
  let managerId: number;
  let incident: { id: number; code: string };

  /** A reply from `from`; resolves when it is stored (as the SMSC's acknowledgement would). */
  const reply = (from: string, text: string) =>
    inbound(engine).handle({ kind: 'mo', from, to: 'Outages', text, dataCoding: 8, receivedAt: new Date() });

  const lastInbound = async (from: string) =>
    (await engine.api.db.query(`SELECT * FROM inbound_messages WHERE sender = $1 ORDER BY id DESC LIMIT 1`, [from]))[0];

  /** Our answers to `to`, once none of them is still being sent. */
  const answers = async (to: string): Promise<OutboundMessage[]> => {
    await waitFor(
      async () => (await engine.api.db.query(`SELECT count(*)::int AS n FROM inbound_replies WHERE state = 'sending'`))[0].n === 0,
      'answers sent',
    );
    return engine.sms.to(to).filter((m) => m.messageId.startsWith('reply-'));
  };

  const smsKinds = async (subscriberId: number, incidentId: number) =>
    (await engine.api.db.query(`SELECT kind FROM messages WHERE subscriber_id = $1 AND incident_id = $2 AND channel = 'sms' ORDER BY id`, [subscriberId, incidentId]))
      .map((r: { kind: string }) => r.kind);

  beforeAll(async () => {
    engine = await TestEngine.start();
    ids = await seedTopology(engine.api, { s2: { locale: 'en' } });
    managerId = (await expectCreated(engine.api, '/v1/outage-managers', {
      name: 'Екатерина Воронцова', phone: '+73832000100', email: 'ekaterina@operator.example', areaCodes: ['RU'],
    })).id;
    engine.setNow(at('07:00'));
    incident = await declare(engine, { scope: { elementCodes: ['OLT-1'] } }); // s1 and s4
    await engine.settle();
  });
  afterAll(() => engine.stop());

  it('should answer STATUS with the open incident, its status, the ETR in the subscriber zone and the status link', async () => {
    await reply(phone('s1'), ' Статус ');
    const [answer] = await answers(phone('s1'));
    expect(answer.text).toContain(`${incident.code}: выясняем причину. Срок: сегодня до 18:00.`); // 11:00Z in Novosibirsk
    expect(answer.text).toContain(`/s/${incident.code}/`);
    expect(await lastInbound(phone('s1'))).toMatchObject({ outcome: 'status', subscriber_id: ids.s1 });
    const [row] = await engine.api.db.query(`SELECT kind, recipient, state, parts FROM inbound_replies ORDER BY id DESC LIMIT 1`);
    expect(row).toEqual({ kind: 'status', recipient: phone('s1'), state: 'accepted', parts: 1 });
  });

  it('should answer STATUS in English with "no known outages" for a subscriber with no open incident', async () => {
    await reply(phone('s2'), 'STATUS');
    expect((await answers(phone('s2'))).map((m) => m.text)).toEqual(['No known outages affecting you right now.']);
  });

  it('should turn free text into feedback on the sender\'s latest incident and its manager', async () => {
    await reply(phone('s1'), '  Когда дадут интернет? Дети дома, работа стоит.  ');
    const rows = await engine.api.db.query(`SELECT incident_id, manager_id, subscriber_id, body, rating FROM feedback`);
    expect(rows).toEqual([
      { incident_id: incident.id, manager_id: managerId, subscriber_id: ids.s1, body: 'Когда дадут интернет? Дети дома, работа стоит.', rating: null },
    ]);
    expect(await lastInbound(phone('s1'))).toMatchObject({ outcome: 'feedback', incident_id: incident.id });
    expect(await answers(phone('s1'))).toHaveLength(1); // the STATUS answer only: feedback is not answered
  });

  it('should store a reply from a number that is no subscriber and never answer it', async () => {
    const before = engine.sms.sent.length;
    await reply(STRANGER, 'STOP');
    const row = await lastInbound(STRANGER);
    expect(row).toMatchObject({ outcome: 'unknown_sender', subscriber_id: null, body: 'STOP' });
    const [{ n }] = await engine.api.db.query(`SELECT count(*)::int AS n FROM inbound_replies WHERE inbound_id = $1`, [row.id]);
    expect(n).toBe(0);
    expect(engine.sms.sent.length).toBe(before);
  });

  describe('ratings', () => {
    beforeAll(async () => {
      engine.setNow(at('08:00'));
      await engine.api.post(`/v1/incidents/${incident.id}/resolve`, {});
      await engine.settle();
      engine.setNow(at('10:30')); // past the follow-up delay; 17:30 in Novosibirsk, 20:30 in Vladivostok
      await engine.settle();
      expect(await smsKinds(ids.s1, incident.id)).toEqual(['notice', 'restored', 'followup']);
      expect(await smsKinds(ids.s4, incident.id)).toEqual(['notice', 'restored', 'followup']);
    });

    it('should take a digit after a follow-up as the rating of that incident, once', async () => {
      engine.setNow(at('11:00'));
      await reply(phone('s1'), '4');
      await reply(phone('s1'), '5');
      const ratings = await engine.api.db.query(`SELECT incident_id, subscriber_id, manager_id, rating FROM feedback WHERE rating IS NOT NULL`);
      expect(ratings).toEqual([{ incident_id: incident.id, subscriber_id: ids.s1, manager_id: managerId, rating: 4 }]);
      expect(await lastInbound(phone('s1'))).toMatchObject({ outcome: 'rating_repeated', incident_id: incident.id });
    });

    it('should refuse a rating from a subscriber who was not affected', async () => {
      await reply(phone('s2'), '5');
      expect(await lastInbound(phone('s2'))).toMatchObject({ outcome: 'rating_refused', incident_id: null });
      await engine.api.db.query(`UPDATE incident_impact SET removed_at = $2 WHERE incident_id = $1 AND subscriber_id = $3`, [incident.id, at('08:00'), ids.s4]);
      await reply(phone('s4'), '1'); // got the follow-up, but a narrower scope released them
      expect(await lastInbound(phone('s4'))).toMatchObject({ outcome: 'rating_refused', incident_id: incident.id });
      const [{ n }] = await engine.api.db.query(`SELECT count(*)::int AS n FROM feedback WHERE rating IS NOT NULL`);
      expect(n).toBe(1);
    });

    it('should refuse a rating more than 7 days after the follow-up', async () => {
      await engine.api.db.query(`UPDATE incident_impact SET removed_at = NULL WHERE incident_id = $1`, [incident.id]);
      engine.setNow(at('10:31', 7));
      await reply(phone('s4'), '3');
      expect(await lastInbound(phone('s4'))).toMatchObject({ outcome: 'rating_refused', incident_id: null });
      engine.setNow(at('10:29', 7));
      await reply(phone('s4'), '3');
      expect(await lastInbound(phone('s4'))).toMatchObject({ outcome: 'rating', incident_id: incident.id });
      engine.setNow(at('11:00'));
    });
  });

  describe('opting out and in', () => {
    it('should opt the number out on STOP, confirm once, and send nothing more from the engine', async () => {
      engine.setNow(at('12:00'));
      await reply(phone('s1'), 'СТОП!');
      await reply(phone('s1'), 'stop');
      const [row] = await engine.api.db.query(`SELECT sms_opted_out_at FROM subscribers WHERE id = $1`, [ids.s1]);
      expect(row.sms_opted_out_at).toEqual(new Date(at('12:00')));
      const texts = (await answers(phone('s1'))).map((m) => m.text);
      expect(texts.filter((t) => t.startsWith('Вы отписались от SMS об авариях'))).toHaveLength(1);
      expect(await lastInbound(phone('s1'))).toMatchObject({ outcome: 'opted_out' });

      engine.sms.clear();
      const second = await declare(engine, { title: 'Fibre cut', scope: { areaCodes: ['CITY-A1'] }, etr: `${DAY}T15:00:00Z` });
      await engine.settle();
      // 19:00 in Novosibirsk for all three: s2 and s5 are texted, s1 is not.
      expect(engine.sms.to(phone('s2'))).toHaveLength(1);
      expect(engine.sms.to(phone('s5'))).toHaveLength(1);
      expect(engine.sms.to(phone('s1'))).toHaveLength(0);
      expect(engine.email.to(SUBSCRIBERS.s1.email).length).toBeGreaterThan(0); // email is a separate consent
      incident = second;
    });

    it('should opt back in on START, confirm, and text again on the next change', async () => {
      engine.sms.clear();
      await reply(phone('s1'), 'Старт');
      const [row] = await engine.api.db.query(`SELECT sms_opted_out_at FROM subscribers WHERE id = $1`, [ids.s1]);
      expect(row.sms_opted_out_at).toBeNull();
      expect((await answers(phone('s1'))).map((m) => m.text)).toEqual(['Вы снова будете получать SMS об авариях. Чтобы отписаться, отправьте СТОП.']);

      engine.setNow(at('12:30'));
      await engine.api.post(`/v1/incidents/${incident.id}/updates`, { etr: `${DAY}T16:00:00Z` });
      await engine.settle();
      expect(engine.sms.to(phone('s1')).filter((m) => !m.messageId.startsWith('reply-'))).toHaveLength(1);
    });

    it('should put a subscriber left with no reachable channel by STOP on the call list of their open incident, with the reason', async () => {
      // The open incident covers s1 (on its list already: hit twice), s2 and s5 (not on it: residential, reachable).
      const callList = async () => {
        const res = await engine.api.get(`/v1/incidents/${incident.id}/call-list?status=all`);
        expect(res.status).toBe(200);
        return new Map<number, { reasons: object[]; callableFrom: string }>(res.body.map((e: any) => [e.subscriberId, e]));
      };
      const repeat = { code: 'repeat_incidents', count: 2, days: 90 };
      const before = await callList();
      expect(before.get(ids.s1)?.reasons).toEqual([repeat]);
      expect(before.has(ids.s2)).toBe(false);

      await reply(phone('s1'), 'STOP'); // still has email: stays as it was
      expect((await callList()).get(ids.s1)?.reasons).toEqual([repeat]);

      expect((await engine.api.patch(`/v1/subscribers/${ids.s2}`, { channels: { email: false } })).status).toBe(200);
      await reply(phone('s2'), 'STOP');
      expect(await lastInbound(phone('s2'))).toMatchObject({ outcome: 'opted_out' });
      const after = await callList();
      expect(after.get(ids.s2)).toMatchObject({ reasons: [{ code: 'opted_out' }], callableFrom: expect.any(String) });
      expect(after.has(ids.s5)).toBe(false);

      // Already on the list for another reason: the new one is added, once.
      await reply(phone('s1'), 'START');
      expect((await engine.api.patch(`/v1/subscribers/${ids.s1}`, { channels: { email: false } })).status).toBe(200);
      await reply(phone('s1'), 'STOP');
      await reply(phone('s1'), 'START');
      await reply(phone('s1'), 'STOP');
      expect((await callList()).get(ids.s1)?.reasons).toEqual([repeat, { code: 'opted_out' }]);
      const lists = await engine.api.db.query(`SELECT incident_id FROM call_tasks WHERE subscriber_id = $1 AND unreachable ORDER BY 1`, [ids.s2]);
      expect(lists).toEqual([{ incident_id: incident.id }]); // open incidents only
    });
  });

  it('should drop replies beyond 10 an hour from one number, count them, and not answer them', async () => {
    engine.setNow(at('13:00'));
    const dropped = await counter(repliesCounter, 'dropped');
    for (let i = 0; i < 12; i++) await reply(phone('s5'), 'status');
    expect(await answers(phone('s5'))).toHaveLength(10);
    const [{ n }] = await engine.api.db.query(`SELECT count(*)::int AS n FROM inbound_messages WHERE sender = $1`, [phone('s5')]);
    expect(n).toBe(10);
    const [count] = await engine.api.db.query(`SELECT hour, dropped FROM inbound_dropped WHERE sender = $1`, [phone('s5')]);
    expect(count).toEqual({ hour: new Date(at('13:00')), dropped: 2 });
    expect((await counter(repliesCounter, 'dropped')) - dropped).toBe(2);

    engine.setNow(at('14:01')); // an hour later the number is heard again
    await reply(phone('s5'), 'status');
    expect(await answers(phone('s5'))).toHaveLength(11);
  });

  describe('GET /v1/feedback', () => {
    let managerKey: string;
    let otherKey: string;
    beforeAll(async () => {
      const res = await engine.api.post('/v1/api-keys', { name: 'ekaterina', role: 'manager', managerId });
      managerKey = res.body.key;
      const other = await expectCreated(engine.api, '/v1/outage-managers', {
        name: 'Other Manager', phone: '+73832000101', email: 'other@operator.example', areaCodes: ['REG-B'],
      });
      otherKey = (await engine.api.post('/v1/api-keys', { name: 'other', role: 'manager', managerId: other.id })).body.key;
    });

    const firstIncident = async () => (await engine.api.db.query(`SELECT min(id)::int AS id FROM incidents`))[0].id as number;

    it('should list text and ratings of an incident newest first, with subscriber names and the rating average', async () => {
      const id = await firstIncident();
      const res = await engine.api.get(`/v1/feedback?incidentId=${id}`, managerKey);
      expect(res.status).toBe(200);
      expect(res.body.items.map((i: any) => [i.subscriberName, i.text, i.rating])).toEqual([
        ['Gleb Orlov', null, 3],
        ['Анна Петрова', null, 4],
        ['Анна Петрова', 'Когда дадут интернет? Дети дома, работа стоит.', null],
      ]);
      expect(res.body.items[0]).toMatchObject({ incidentId: id, managerId, subscriberId: ids.s4, receivedAt: at('10:29', 7) });
      expect(res.body.ratings).toEqual({ count: 2, average: 3.5 });
    });

    it('should page with a cursor', async () => {
      const id = await firstIncident();
      const first = await engine.api.get(`/v1/feedback?incidentId=${id}&limit=2`, managerKey);
      expect(first.body.items).toHaveLength(2);
      const rest = await engine.api.get(`/v1/feedback?incidentId=${id}&limit=2&cursor=${first.body.nextCursor}`, managerKey);
      expect(rest.body.items.map((i: any) => i.text)).toEqual(['Когда дадут интернет? Дети дома, работа стоит.']);
      expect(rest.body.nextCursor).toBeNull();
      expect((await engine.api.get(`/v1/feedback?cursor=nonsense`)).status).toBe(422);
    });

    it('should show a manager only the feedback on incidents they hold', async () => {
      const id = await firstIncident();
      expect((await engine.api.get(`/v1/feedback?incidentId=${id}`, otherKey)).status).toBe(403);
      expect((await engine.api.get(`/v1/feedback`, otherKey)).body.items).toEqual([]);
      const mine = await engine.api.get(`/v1/feedback`, managerKey);
      expect(mine.body.items.every((i: any) => i.managerId === managerId)).toBe(true);
      expect(mine.body.ratings).toBeUndefined();
    });

    it('should let admins read all of it, refuse NOC keys and answer 404 for an unknown incident', async () => {
      const all = await engine.api.get(`/v1/feedback?limit=500`);
      expect(all.status).toBe(200);
      expect(all.body.items.length).toBeGreaterThanOrEqual(3);
      expect((await engine.api.get(`/v1/feedback`, await engine.api.keyFor('noc'))).status).toBe(403);
      expect((await engine.api.get(`/v1/feedback?incidentId=999999`)).status).toBe(404);
      expect((await engine.api.get(`/v1/feedback?incidentId=abc`)).status).toBe(422);
    });
  });
});

describe('delivery receipts', () => {
  let engine: TestEngine;
  let ids: Record<SubscriberKey, number>;
  let incidentId: number;
  /** Provider ids the SMSC would give: two hex ids per message unless a test says otherwise. */
  let nextIds: (m: OutboundMessage) => string[];

  type ReceiptFields = { id: string; stat: string; err?: string; tlv?: boolean };
  const parsed = (fields: ReceiptFields): DeliveryReceipt => {
    const text = formatReceiptText({ id: fields.id, stat: fields.stat, err: fields.err ?? '000', submitDate: '2611240700', doneDate: '2611240701', text: '' });
    return parseDeliveryReceipt({ esmClass: 0x04, text, receiptedMessageId: fields.tlv ? fields.id : undefined })!;
  };
  const receipt = (fields: ReceiptFields, smsc?: string) => inbound(engine).handle({ kind: 'receipt', receipt: parsed(fields), receivedAt: new Date(), smsc, bind: 'transceiver#1' });

  /** One receipt batch (with the sweep of the waiting receipts) as a worker applies it. */
  const apply = (batch: ReceiptFields[], now = engine.worker!.get(Clock).now()) =>
    engine.worker!.get(ReceiptsRepository).apply(batch.map(parsed), now, new Date(), new Date(0));

  /**
   * Runs two receipt batches as two workers would, each in its own transaction, with both
   * transactions in flight at once: each is held just after its statement that updates messages
   * (a statement trigger waits on an advisory lock the test holds) until the other is in too,
   * waiting on a lock of its own; the first always starts first.
   */
  const concurrently = async <A, B>(first: () => Promise<A>, second: () => Promise<B>): Promise<[A, B]> => {
    const db = engine.api.db;
    const lockWaiters = (n: number) => waitFor(async () => (await db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    ))[0].n === n, `${n} receipt transaction(s) waiting`);
    const holder = db.createQueryRunner();
    await holder.connect();
    await db.query(`CREATE FUNCTION test_hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_advisory_xact_lock_shared(4242); RETURN NULL; END $$`);
    await db.query(`CREATE TRIGGER test_hold AFTER UPDATE ON messages FOR EACH STATEMENT EXECUTE FUNCTION test_hold()`);
    try {
      await holder.query(`SELECT pg_advisory_lock(4242)`);
      const a = first();
      await lockWaiters(1);
      const b = second();
      await lockWaiters(2);
      await holder.query(`SELECT pg_advisory_unlock(4242)`);
      return await Promise.all([a, b]);
    } finally {
      await holder.query(`SELECT pg_advisory_unlock_all()`);
      await holder.release();
      await db.query(`DROP TRIGGER test_hold ON messages`);
      await db.query(`DROP FUNCTION test_hold()`);
    }
  };
  const latestMessage = async () =>
    (await engine.api.db.query(`SELECT id, state, error, parts, delivered_at FROM messages WHERE subscriber_id = $1 AND channel = 'sms' ORDER BY id DESC LIMIT 1`, [ids.s1]))[0];
  const partStates = async (messageId: string) =>
    (await engine.api.db.query(`SELECT state, error FROM message_parts WHERE message_id = $1 ORDER BY part`, [messageId]));
  const change = async (etrHour: number) => {
    await engine.api.post(`/v1/incidents/${incidentId}/updates`, { etr: `${DAY}T${etrHour}:00:00Z` });
    await engine.settle();
  };

  beforeAll(async () => {
    // s1 is texted once per test here: more than the default daily cap of 4.
    engine = await TestEngine.start({ INBOUND_RECEIPT_GRACE_SECONDS: '3', CLAIM_LEASE_SECONDS: '3', SMS_DAILY_CAP: '12' });
    ids = await seedTopology(engine.api);
    nextIds = (m) => [1, 2].map((k) => (0xa1b2c300 + Number(m.messageId) * 16 + k).toString(16));
    engine.sms.rule = (m) => (m.to === phone('s1') ? { messageId: m.messageId, status: 'accepted', providerIds: nextIds(m), parts: 2 } : undefined);
    engine.setNow(at('07:00'));
    incidentId = (await declare(engine, { scope: { areaCodes: ['DIST-A1a'] } })).id; // s1
    await engine.settle();
  });
  afterAll(() => engine.stop());

  it('should mark a two-part message delivered only when both parts are, matching hex and decimal ids', async () => {
    const message = await latestMessage();
    expect(message).toMatchObject({ state: 'accepted', parts: 2 });
    const [first, second] = nextIds({ messageId: message.id } as OutboundMessage);

    await receipt({ id: first.toUpperCase(), stat: 'DELIVRD', tlv: true });
    expect(await latestMessage()).toMatchObject({ state: 'accepted', delivered_at: null });
    expect(await partStates(message.id)).toEqual([{ state: 'delivered', error: '000' }, { state: 'accepted', error: null }]);

    await receipt({ id: BigInt(`0x${second}`).toString(10).padStart(12, '0'), stat: 'DELIVRD' }); // text form, decimal
    expect(await latestMessage()).toMatchObject({ state: 'delivered', error: null, delivered_at: new Date(at('07:00')) });
    expect(await partStates(message.id)).toEqual([{ state: 'delivered', error: '000' }, { state: 'delivered', error: '000' }]);
  });

  it('should not let an intermediate receipt undo a final one', async () => {
    const message = await latestMessage();
    const [first] = nextIds({ messageId: message.id } as OutboundMessage);
    await receipt({ id: first, stat: 'ENROUTE', tlv: true });
    expect(await partStates(message.id)).toEqual([{ state: 'delivered', error: '000' }, { state: 'delivered', error: '000' }]);
    expect((await latestMessage()).state).toBe('delivered');
  });

  it('should mark the message expired, with the error, when one of its parts expires', async () => {
    engine.setNow(at('07:10'));
    await change(12);
    const message = await latestMessage();
    const [first, second] = nextIds({ messageId: message.id } as OutboundMessage);
    await Promise.all([receipt({ id: first, stat: 'DELIVRD', tlv: true }), receipt({ id: second, stat: 'EXPIRED', err: '001', tlv: true })]);
    expect(await latestMessage()).toMatchObject({ state: 'expired', error: 'EXPIRED err:001 (part 2 of 2)', delivered_at: null });
    expect(await partStates(message.id)).toEqual([{ state: 'delivered', error: '000' }, { state: 'expired', error: '001' }]);
    // A text that did not get through puts the customer on the incident's call list, with why.
    const calls = await engine.api.get(`/v1/incidents/${incidentId}/call-list?limit=50`);
    const s1 = calls.body.find((c: { subscriberId: number }) => c.subscriberId === ids.s1);
    expect(s1.reasons).toContainEqual({ code: 'undelivered', channel: 'sms', error: 'EXPIRED err:001 (part 2 of 2)' });
  });

  it('should mark a message delivered when the receipts of its two parts are applied at once by two workers', async () => {
    engine.setNow(at('07:12'));
    await change(14);
    const message = await latestMessage();
    const [first, second] = nextIds({ messageId: message.id } as OutboundMessage);
    await concurrently(() => apply([{ id: first, stat: 'DELIVRD', tlv: true }]), () => apply([{ id: second, stat: 'DELIVRD', tlv: true }]));
    expect(await partStates(message.id)).toEqual([{ state: 'delivered', error: '000' }, { state: 'delivered', error: '000' }]);
    expect(await latestMessage()).toMatchObject({ id: message.id, state: 'delivered', error: null, delivered_at: new Date(at('07:12')) });
  });

  it('should keep the worst failure of two parts failing at once in two workers, whichever commits last', async () => {
    engine.setNow(at('07:14'));
    await change(15);
    const message = await latestMessage();
    const [first, second] = nextIds({ messageId: message.id } as OutboundMessage);
    await concurrently(() => apply([{ id: first, stat: 'REJECTD', err: '002', tlv: true }]), () => apply([{ id: second, stat: 'EXPIRED', err: '001', tlv: true }]));
    expect(await partStates(message.id)).toEqual([{ state: 'rejected', error: '002' }, { state: 'expired', error: '001' }]);
    expect(await latestMessage()).toMatchObject({ id: message.id, state: 'rejected', error: 'REJECTED err:002 (part 1 of 2)' });
  });

  it('should apply each waiting receipt once when two workers sweep them at once: no deadlock, no double count', async () => {
    engine.setNow(at('07:15'));
    await change(16);
    const swept = await latestMessage();
    await change(17);
    const other = await latestMessage();
    const [a1, a2] = nextIds({ messageId: swept.id } as OutboundMessage);
    const [b1] = nextIds({ messageId: other.id } as OutboundMessage);
    // Both parts' receipts overtook their parts, the second part's first: waiting in pending_receipts.
    const waiting = [parsed({ id: a2, stat: 'DELIVRD', tlv: true }), parsed({ id: a1, stat: 'DELIVRD', tlv: true })];
    await engine.api.db.query(
      `INSERT INTO pending_receipts (candidates, state, error, final, received_at)
       SELECT string_to_array(c, ','), s, e, true, now() FROM unnest($1::text[], $2::text[], $3::text[]) AS r(c, s, e)`,
      [waiting.map((r) => r.idCandidates.join(',')), waiting.map((r) => r.state), waiting.map((r) => r.error ?? null)],
    );

    // A sweep alone, and a batch with a receipt of another message (so it reaches its messages too).
    const [sweep, batch] = await concurrently(
      () => apply([], new Date(at('07:16'))),
      () => apply([{ id: b1, stat: 'DELIVRD', tlv: true }], new Date(at('07:17'))),
    );

    expect(sweep).toMatchObject({ matched: 2, unknown: [] });
    expect(batch).toMatchObject({ matched: 1, unknown: [] });
    // The waiting receipts were written by the sweep only, not again by the other batch.
    const parts = await engine.api.db.query(
      `SELECT provider_id, state, updated_at FROM message_parts WHERE provider_id = ANY($1) ORDER BY provider_id`, [[a1, a2, b1]]);
    expect(parts).toEqual([
      { provider_id: a1, state: 'delivered', updated_at: new Date(at('07:16')) },
      { provider_id: a2, state: 'delivered', updated_at: new Date(at('07:16')) },
      { provider_id: b1, state: 'delivered', updated_at: new Date(at('07:17')) },
    ]);
    expect(await latestMessage()).toMatchObject({ id: other.id, state: 'accepted' });
    const [settled] = await engine.api.db.query(`SELECT state, delivered_at FROM messages WHERE id = $1`, [swept.id]);
    expect(settled).toEqual({ state: 'delivered', delivered_at: new Date(at('07:16')) });
    const [{ n }] = await engine.api.db.query(`SELECT count(*)::int AS n FROM pending_receipts`);
    expect(n).toBe(0);
  });

  it('should keep a receipt that overtook the record of its part and match it once the part is recorded', async () => {
    engine.setNow(at('07:20'));
    nextIds = () => ['c0ffee01'];
    const matched = await counter(receiptsCounter, 'matched');
    await receipt({ id: 'C0FFEE01', stat: 'DELIVRD', tlv: true }); // resolves: stored as waiting
    await change(13);
    const message = await waitFor(async () => {
      const m = await latestMessage();
      return m.state === 'delivered' && m;
    }, 'the early receipt to be matched');
    expect(message).toMatchObject({ parts: 1, delivered_at: new Date(at('07:20')) });
    expect((await counter(receiptsCounter, 'matched')) - matched).toBe(1);
    const [{ n }] = await engine.api.db.query(`SELECT count(*)::int AS n FROM pending_receipts`);
    expect(n).toBe(0);
  });

  it('should keep a receipt that overtook its part from a finished part that its id read in decimal names', async () => {
    engine.setNow(at('07:25'));
    // The digits of 0x193708 read in decimal are 0x2f4ac: the id of a text sent long before.
    nextIds = () => ['2f4ac'];
    await change(10);
    const older = await latestMessage();
    await receipt({ id: '2F4AC', stat: 'DELIVRD', tlv: true });
    expect(await latestMessage()).toMatchObject({ id: older.id, state: 'delivered' });

    await receipt({ id: '193708', stat: 'UNDELIV', err: '001', tlv: true }); // its part not recorded yet: waits
    expect(await partStates(older.id)).toEqual([{ state: 'delivered', error: '000' }]);
    nextIds = () => ['193708'];
    await change(11);
    const newer = await waitFor(async () => {
      const m = await latestMessage();
      return m.id !== older.id && m.state === 'undeliverable' && m;
    }, 'the early receipt to find its own part');
    expect(await partStates(newer.id)).toEqual([{ state: 'undeliverable', error: '001' }]);
    expect(await partStates(older.id)).toEqual([{ state: 'delivered', error: '000' }]);
  });

  it('should count a receipt for an id never sent as unknown after the grace period, and not fail it', async () => {
    const unknown = await counter(receiptsCounter, 'unknown');
    await expect(receipt({ id: 'DEADBEEF', stat: 'DELIVRD', tlv: true })).resolves.toBeUndefined();
    await waitFor(async () => (await counter(receiptsCounter, 'unknown')) - unknown === 1, 'the unknown receipt to be counted', 10_000);
    const [{ n }] = await engine.api.db.query(`SELECT count(*)::int AS n FROM pending_receipts`);
    expect(n).toBe(0);
  });

  it('should match a receipt only to the part of the SMSC it came from when two SMSCs gave the same id', async () => {
    engine.setNow(at('07:30'));
    nextIds = () => ['5eed01'];
    const rule = engine.sms.rule!;
    const sendVia = async (provider: string, etrHour: number) => {
      engine.sms.rule = (m) => {
        const outcome = rule(m);
        return outcome?.status === 'accepted' ? { ...outcome, provider } : outcome;
      };
      await change(etrHour);
      return latestMessage();
    };
    try {
      const viaA = await sendVia('smsc-a', 18);
      const viaB = await sendVia('smsc-b', 19);
      const parts = await engine.api.db.query(`SELECT message_id, smsc FROM message_parts WHERE provider_id = '5eed01' ORDER BY smsc`);
      expect(parts).toEqual([{ message_id: viaA.id, smsc: 'smsc-a' }, { message_id: viaB.id, smsc: 'smsc-b' }]);
      const lagsOfB = async () => (await smppReceiptLagSeconds.get()).values.find((v) => v.metricName?.endsWith('_count') && v.labels.smsc === 'smsc-b')?.value ?? 0;
      const lagsBefore = await lagsOfB();

      await receipt({ id: '5EED01', stat: 'DELIVRD', tlv: true }, 'smsc-b');
      const state = async (id: string) => (await engine.api.db.query(`SELECT state FROM messages WHERE id = $1`, [id]))[0].state;
      expect([await state(viaA.id), await state(viaB.id)]).toEqual(['accepted', 'delivered']);
      expect((await lagsOfB()) - lagsBefore).toBe(1);

      await receipt({ id: '5EED01', stat: 'UNDELIV', tlv: true }, 'smsc-a');
      expect([await state(viaA.id), await state(viaB.id)]).toEqual(['undeliverable', 'delivered']);
      // The same id from an SMSC that took no such part waits for it, counted under that SMSC.
      await receipt({ id: '5EED01', stat: 'DELIVRD', tlv: true }, 'smsc-c');
      const [{ n }] = await engine.api.db.query(`SELECT count(*)::int AS n FROM pending_receipts WHERE smsc = 'smsc-c'`);
      expect(n).toBe(1);
      const unmatched = async () => (await smppReceiptsUnmatched.get()).values.find((v) => v.labels.smsc === 'smsc-c')?.value ?? 0;
      expect(await unmatched()).toBe(1);
      // Another worker matching it (here: the row gone before this one gives it up) shows in this worker's gauge too.
      await engine.api.db.query(`DELETE FROM pending_receipts WHERE smsc = 'smsc-c'`);
      await waitFor(async () => (await unmatched()) === 0, "this worker's gauge to count what another worker matched");
    } finally {
      engine.sms.rule = rule;
    }
  });
});
