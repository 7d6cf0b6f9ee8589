import { SmscSimulator } from '../../src/peers/smsc-simulator/smsc-simulator';
import { formatReceiptText } from '../../src/sms/delivery-receipt';
import { TestApi } from '../support/api';
import { SmppStack, startSmppStack, waitOverSmpp as waitFor } from '../support/smpp-stack';
import { SubscriberKey, SUBSCRIBERS } from '../support/topology';

/**
 * Hostile input from the SMS side, over real TCP: the api, and a worker whose SMS channel is the
 * real SMPP adapter bound to the local SMSC simulator. The simulator sends no receipts of its own,
 * so every receipt here is one the test wrote.
 */

const NOW = '2026-11-24T07:00:00Z'; // 14:00 in Novosibirsk

describe('hostile input over SMPP', () => {
  let sim: SmscSimulator;
  let api: TestApi;
  let ids: Record<SubscriberKey, number>;
  let stack: SmppStack | undefined;

  beforeAll(async () => {
    stack = await startSmppStack(NOW, {
      sim: { receipts: false },
      env: { DISPATCH_INTERVAL_MS: '100', INBOUND_RECEIPT_GRACE_SECONDS: '1', CLAIM_LEASE_SECONDS: '1' },
      apiClock: true,
    });
    ({ sim, api, ids } = stack);
  });
  afterAll(() => stack?.stop());

  /** The simulator's MO counts once every deliver_sm sent so far (an earlier test's too) is answered. */
  async function settledMoCounts() {
    await waitFor(async () => sim.stats().moUnanswered === 0, 'earlier deliver_sm to be answered');
    return sim.stats();
  }

  it('should take a receipt texted by a subscriber as a reply, and only a deliver_sm marked as a receipt as one', async () => {
    const res = await api.post('/v1/incidents', { title: 'Ring failure', kind: 'outage', scope: { areaCodes: ['DIST-A1b'] } });
    expect(res.status).toBe(201);
    const parts = await waitFor(async () => {
      const rows: Array<{ provider_id: string; message_id: string }> = await api.db.query(
        `SELECT p.provider_id, p.message_id FROM message_parts p JOIN messages m ON m.id = p.message_id WHERE m.subscriber_id = $1`, [ids.s2]);
      return rows.length > 0 && rows;
    }, 'the notice to be submitted');
    const receiptText = (id: string) =>
      formatReceiptText({ id, stat: 'DELIVRD', err: '000', submitDate: '2611240700', doneDate: '2611240700', text: '' });

    // The subscriber texts the receipt form of each part, as a plain message (esm_class 0).
    for (const p of parts) expect(sim.sendMo(SUBSCRIBERS.s2.phone, 'Outages', receiptText(p.provider_id))).toBe(1);
    const replies = await waitFor(async () => {
      const rows: Array<{ body: string; outcome: string }> = await api.db.query(
        `SELECT body, outcome FROM inbound_messages WHERE subscriber_id = $1`, [ids.s2]);
      return rows.length === parts.length && rows;
    }, 'the forged receipts to be kept as replies');
    expect(replies.map((r) => r.body).sort()).toEqual(parts.map((p) => receiptText(p.provider_id)).sort());
    const [forged] = await api.db.query(`SELECT state FROM messages WHERE id = $1`, [parts[0].message_id]);
    expect(forged.state).toBe('accepted');
    const partStates = await api.db.query(`SELECT DISTINCT state FROM message_parts WHERE message_id = $1`, [parts[0].message_id]);
    expect(partStates).toEqual([{ state: 'accepted' }]);

    // The SMSC's own receipts (esm_class 0x04) for the same parts are taken.
    for (const p of parts) {
      expect(sim.sendDeliver({
        source_addr_ton: 1, source_addr_npi: 1, source_addr: SUBSCRIBERS.s2.phone.slice(1), destination_addr: 'Outages',
        esm_class: 0x04, data_coding: 0, short_message: Buffer.from(receiptText(p.provider_id), 'ascii'),
      })).toBe(true);
    }
    await waitFor(async () => (await api.db.query(`SELECT state FROM messages WHERE id = $1`, [parts[0].message_id]))[0].state === 'delivered',
      'the genuine receipts to mark the notice delivered');
  });

  it('should store a reply holding NUL characters without them, and acknowledge it', async () => {
    const { moAcked, moRefused } = await settledMoCounts();
    expect(sim.sendMo(SUBSCRIBERS.s1.phone, 'Outages', 'Нет\u0000 света с утра\u0000')).toBe(1);
    const [reply] = await waitFor(async () => {
      const rows: Array<{ body: string }> = await api.db.query(`SELECT body FROM inbound_messages WHERE sender = $1`, [SUBSCRIBERS.s1.phone]);
      return rows.length > 0 && rows;
    }, 'the reply to be stored');
    expect(reply.body).toBe('Нет света с утра');
    await waitFor(async () => sim.stats().moAcked === moAcked + 1, 'the reply to be acknowledged');
    expect(sim.stats().moRefused).toBe(moRefused);
  });

  it('should quarantine and acknowledge a reply that cannot be stored, and take the replies after it', async () => {
    // A reply the database refuses whatever is tried (a trigger stands in for a value nobody foresaw).
    await api.db.query(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.body LIKE 'POISON%' THEN RAISE EXCEPTION 'cannot store this body' USING ERRCODE = '22000'; END IF;
        RETURN NEW;
      END $$`);
    await api.db.query(`CREATE TRIGGER refuse_poison BEFORE INSERT ON inbound_messages FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    try {
      const { moAcked, moRefused } = await settledMoCounts();
      expect(sim.sendMo(SUBSCRIBERS.s3.phone, 'Outages', 'POISON pill')).toBe(1);
      expect(sim.sendMo(SUBSCRIBERS.s4.phone, 'Outages', 'СТОП')).toBe(1);

      await waitFor(async () => (await api.db.query(`SELECT sms_opted_out_at FROM subscribers WHERE id = $1`, [ids.s4]))[0].sms_opted_out_at,
        'the reply after the poison one to be taken');
      const [quarantined] = await waitFor(async () => {
        const rows = await api.db.query(`SELECT kind, sender, recipient, convert_from(body, 'UTF8') AS body, data_coding, error, attempts FROM inbound_quarantine`);
        return rows.length > 0 && rows;
      }, 'the poison reply to be quarantined');
      expect(quarantined).toEqual({
        kind: 'mo', sender: SUBSCRIBERS.s3.phone, recipient: 'Outages', body: 'POISON pill', data_coding: 0, error: 'cannot store this body', attempts: 3,
      });
      await waitFor(async () => sim.stats().moAcked === moAcked + 2, 'both replies to be acknowledged');
      expect(sim.stats().moRefused).toBe(moRefused);
      expect(await api.db.query(`SELECT 1 FROM inbound_messages WHERE sender = $1`, [SUBSCRIBERS.s3.phone])).toEqual([]);
    } finally {
      await api.db.query(`DROP TRIGGER refuse_poison ON inbound_messages; DROP FUNCTION refuse_poison()`);
    }
  });
});
