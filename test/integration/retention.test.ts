import { FIGURES_STALE_MS, FIGURES_TTL_MS } from '../../src/incidents/progress.service';
import { RetentionService } from '../../src/retention/retention.service';
import { RetentionJob } from '../../src/retention/retention.jobs';
import { QUEUES } from '../../src/jobs/queues';
import { JobQueue } from '../../src/jobs/job-queue';
import { TestApi } from '../support/api';
import { TestEngine } from '../support/engine';
import { newArea, newSubscriber } from '../support/factories';
import { expectCreated } from '../support/topology';

const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY);

/** Rows as the worker and the inbound path write them, at the times a test needs. */
class Fixtures {
  private n = 0;
  constructor(private readonly api: TestApi) {}

  async message(incidentId: number, subscriberId: number, o: { to: string; channel?: string; state: string; at: Date }): Promise<void> {
    await this.api.db.query(
      `INSERT INTO messages (thread_id, incident_id, subscriber_id, channel, kind, incident_version, dedupe_key, recipient, subject, body,
                             state, parts, error, created_at, sent_at, delivered_at, updated_at)
       VALUES (1, $1, $2, $3::notification_channel, 'notice', 1, $4, $5::text, 'Outage', 'Sorry, Ivan: fibre cut. Unsubscribe https://x/u?token=t0k3n',
               $6::message_state, 1, CASE WHEN $6::text = 'failed' THEN '550 <' || $5::text || '> rejected' END, $7, $7,
               CASE WHEN $6::text = 'delivered' THEN $7::timestamptz END, $7)`,
      [incidentId, subscriberId, o.channel ?? 'sms', `fixture-${++this.n}`, o.to, o.state, o.at],
    );
  }

  /** A free-text reply, its feedback row and our answer to it. */
  async reply(incidentId: number | null, subscriberId: number, from: string, text: string, at: Date): Promise<void> {
    const [inbound] = await this.api.db.query(
      `INSERT INTO inbound_messages (sender, recipient, body, data_coding, subscriber_id, incident_id, outcome, received_at)
       VALUES ($1, 'Outages', $2, 8, $3, $4, 'feedback', $5) RETURNING id`,
      [from, text, subscriberId, incidentId, at],
    );
    await this.api.db.query(`INSERT INTO feedback (incident_id, subscriber_id, inbound_id, body, received_at) VALUES ($1, $2, $3, $4, $5)`, [
      incidentId, subscriberId, inbound.id, text, at,
    ]);
    await this.api.db.query(
      `INSERT INTO inbound_replies (inbound_id, subscriber_id, kind, recipient, body, state, created_at, updated_at)
       VALUES ($1, $2, 'status', $3, 'Work is under way, back by 18:00', 'delivered', $4, $4)`,
      [inbound.id, subscriberId, from, at],
    );
  }

  async quarantined(from: string, at: Date): Promise<void> {
    await this.api.db.query(
      `INSERT INTO inbound_quarantine (kind, sender, recipient, body, data_coding, error, attempts, received_at)
       VALUES ('mo', $1, 'Outages', convert_to('poison from ' || $1, 'UTF8'), 8, 'invalid byte sequence', 3, $2)`,
      [from, at],
    );
  }
}

/** Every text of every row of the tables that may hold a person's data. */
async function everything(api: TestApi): Promise<string> {
  const tables = ['subscribers', 'messages', 'inbound_messages', 'inbound_replies', 'feedback', 'call_tasks', 'call_attempts',
    'inbound_quarantine', 'inbound_mo_parts', 'inbound_dropped', 'idempotency_keys', 'audit_log'];
  const parts = await Promise.all(tables.map((t) => api.db.query(`SELECT t::text AS row FROM ${t} t`)));
  const quarantine = await api.db.query(`SELECT convert_from(body, 'UTF8') AS body FROM inbound_quarantine`);
  return [...parts.flat().map((r: { row: string }) => r.row), ...quarantine.map((r: { body: string }) => r.body)].join('\n');
}

describe('retention and erasure', () => {
  let api: TestApi;
  let fx: Fixtures;
  let areaCode: string;
  let managerKey: string;

  const subscriber = (over: Record<string, unknown>) => expectCreated(api, '/v1/subscribers', newSubscriber({ areaCode, tier: 'vip', ...over }));
  const declare = async (title: string) => expectCreated(api, '/v1/incidents', { title, kind: 'outage', scope: { areaCodes: [areaCode] } });
  /** The counts the API shows for an incident, read afresh (past the time the api reuses them, and answers them while recounting). */
  const counts = async (id: number) => {
    api.setNow(new Date(Date.now() + (FIGURES_TTL_MS + FIGURES_STALE_MS + 1000) * ++reads).toISOString());
    const [detail, progress] = await Promise.all([api.get(`/v1/incidents/${id}`), api.get(`/v1/incidents/${id}/progress`)]);
    expect(detail.status).toBe(200);
    expect(progress.status).toBe(200);
    const { countsAt: _at, ...stats } = detail.body.stats;
    return { stats, progress: { ...progress.body, countsAt: undefined } };
  };
  let reads = 0;

  beforeAll(async () => {
    api = await TestApi.start();
    fx = new Fixtures(api);
    areaCode = newArea().code;
    await expectCreated(api, '/v1/areas', { code: areaCode, name: 'Центральный' });
    const manager = await expectCreated(api, '/v1/outage-managers', { name: 'Ирина', phone: '+73832000101', email: 'i@operator.example', areaCodes: [areaCode] });
    managerKey = (await expectCreated(api, '/v1/api-keys', { name: 'irina', role: 'manager', managerId: manager.id })).key;
  });
  afterAll(() => api.stop());

  describe('the retention job', () => {
    let oldIncident: number;
    let openIncident: number;
    let ivan: { id: number; phone: string; email: string };
    let run: Record<string, unknown>;
    let before: Record<number, unknown>;

    beforeAll(async () => {
      ivan = await subscriber({ name: 'Иван Старый', phone: '+79130000101', email: 'ivan.old@example.ru' });
      oldIncident = (await declare('Old outage')).id;
      openIncident = (await declare('Long outage')).id;
      expect((await api.post(`/v1/incidents/${oldIncident}/calls`, { subscriberId: ivan.id, outcome: 'reached', note: 'Ivan is angry' }, managerKey)).status).toBe(201);
      expect((await api.post(`/v1/incidents/${openIncident}/calls`, { subscriberId: ivan.id, outcome: 'no_answer', note: 'call Ivan later' }, managerKey)).status).toBe(201);
      expect((await api.post(`/v1/incidents/${oldIncident}/resolve`, {})).status).toBe(200);
      // Both started 120 days ago; the first ended 100 days ago, the second is still open.
      await api.db.query(`UPDATE incidents SET created_at = $2, started_at = $2 WHERE id = ANY($1)`, [[oldIncident, openIncident], ago(120)]);
      await api.db.query(`UPDATE incidents SET resolved_at = $2, updated_at = $2 WHERE id = $1`, [oldIncident, ago(100)]);
      await api.db.query(`UPDATE call_tasks SET last_called_at = $2 WHERE incident_id = $1`, [oldIncident, ago(100)]);
      await api.db.query(`UPDATE call_attempts SET at = $2 WHERE incident_id = $1`, [oldIncident, ago(100)]);

      await fx.message(oldIncident, ivan.id, { to: ivan.phone, state: 'delivered', at: ago(110) });
      await fx.message(oldIncident, ivan.id, { to: ivan.phone, state: 'failed', at: ago(109) });
      await fx.message(oldIncident, ivan.id, { to: ivan.email, channel: 'email', state: 'accepted', at: ago(110) });
      await fx.message(openIncident, ivan.id, { to: ivan.phone, state: 'delivered', at: ago(100) });
      await fx.message(openIncident, ivan.id, { to: ivan.phone, state: 'delivered', at: ago(1) });
      await fx.reply(oldIncident, ivan.id, ivan.phone, 'Ivan here, thanks for nothing', ago(100));
      await fx.reply(openIncident, ivan.id, ivan.phone, 'Ivan again, still down', ago(1));
      await fx.quarantined(ivan.phone, ago(100));
      await fx.quarantined('+79130000999', ago(1));
      await api.db.query(
        `INSERT INTO idempotency_keys (api_key_id, key, fingerprint, created_at, status, response)
         VALUES (1, 'old', 'f', now() - interval '25 hours', 201, '{"phone": "+79130000101"}'), (1, 'fresh', 'f', now(), 201, '{}')`,
      );
      await api.db.query(
        `INSERT INTO audit_log (api_key_id, role, method, route, status, at) VALUES (1, 'admin', 'GET', '/old', 200, now() - interval '400 days'),
                (1, 'admin', 'GET', '/recent', 200, now() - interval '300 days')`,
      );

      before = { [oldIncident]: await counts(oldIncident), [openIncident]: await counts(openIncident) };
      run = { ...(await api.app.get(RetentionService).run()) };
    });

    it('should empty recipients, subjects, bodies and errors of messages older than RETENTION_DAYS and keep the newer ones', async () => {
      const rows = await api.db.query(`SELECT incident_id, recipient, subject, body, error, state FROM messages ORDER BY id`);
      expect(rows.map((r: any) => [r.incident_id, r.state, r.recipient, r.body === null, r.subject, r.error])).toEqual([
        [oldIncident, 'delivered', null, true, null, null],
        [oldIncident, 'failed', null, true, null, null],
        [oldIncident, 'accepted', null, true, null, null],
        [openIncident, 'delivered', null, true, null, null],
        [openIncident, 'delivered', ivan.phone, false, 'Outage', null],
      ]);
      expect(run).toMatchObject({ incidents: 2, messages: 4, callNotes: 2 });
    });

    it('should give the same counts and progress after it ran', async () => {
      expect(await counts(oldIncident)).toEqual(before[oldIncident]);
      expect(await counts(openIncident)).toEqual(before[openIncident]);
      expect((before[oldIncident] as any).stats.messages).toEqual({ sms: { delivered: 1, failed: 1 }, email: { accepted: 1 } });
      expect((before[oldIncident] as any).stats.callList).toMatchObject({ total: 1 });
    });

    it('should empty old replies, feedback texts, our answers and call notes, delete old quarantine, keys and audit rows, and keep the rest', async () => {
      const text = await everything(api);
      expect(text).not.toMatch(/thanks for nothing|Ivan is angry|poison from \+79130000101|"old"|\/old/);
      expect(text).toMatch(/still down/);
      expect(text).toMatch(/call Ivan later/); // a call on the open incident, today
      expect(text).toMatch(/poison from \+79130000999/);
      expect(await api.db.query(`SELECT key FROM idempotency_keys`)).toEqual([{ key: 'fresh' }]);
      expect(await api.db.query(`SELECT count(*)::int AS n FROM feedback`)).toEqual([{ n: 2 }]);
      expect(await api.db.query(`SELECT count(*)::int AS n FROM inbound_messages`)).toEqual([{ n: 2 }]);
      expect(await api.db.query(`SELECT route FROM audit_log WHERE route LIKE '/%' AND route NOT LIKE '/v1/%' ORDER BY id`)).toEqual([{ route: '/recent' }]);
      expect(run).toMatchObject({ replies: 1, feedback: 1, answers: 1, quarantine: 1, idempotencyAnswers: 1, auditRows: 1 });
    });

    it('should never read a finished incident again, and keep reading one still open', async () => {
      expect(await api.db.query(`SELECT id, retention_done FROM incidents WHERE id = ANY($1) ORDER BY id`, [[oldIncident, openIncident]])).toEqual([
        { id: oldIncident, retention_done: true },
        { id: openIncident, retention_done: false },
      ]);
      const again = await api.app.get(RetentionService).run();
      expect(again).toMatchObject({ incidents: 1, messages: 0, callNotes: 0, replies: 0, quarantine: 0 });
    });
  });

  describe('DELETE /v1/subscribers/:id', () => {
    let olga: { id: number; externalId: string; phone: string; email: string; name: string };
    let other: { id: number };
    let incidentId: number;
    let before: unknown;

    beforeAll(async () => {
      olga = await subscriber({ name: 'Ольга Стираемая', phone: '+79130000202', email: 'olga.erase@example.ru', flags: ['sensitive'] });
      other = await subscriber({ name: 'Пётр Остающийся', phone: '+79130000303' });
      incidentId = (await declare('Fibre cut')).id;
      expect((await api.post(`/v1/incidents/${incidentId}/calls`, { subscriberId: olga.id, outcome: 'reached', note: 'Olga is fine' }, managerKey)).status).toBe(201);
      await fx.message(incidentId, olga.id, { to: olga.phone, state: 'delivered', at: ago(0) });
      await fx.message(incidentId, olga.id, { to: olga.email, channel: 'email', state: 'accepted', at: ago(0) });
      await fx.message(incidentId, other.id, { to: '+79130000303', state: 'delivered', at: ago(0) });
      await fx.reply(incidentId, olga.id, olga.phone, 'Olga says the router blinks', ago(0));
      await api.db.query(`INSERT INTO feedback (incident_id, subscriber_id, inbound_id, rating, received_at) SELECT $1, $2, id, 4, now() FROM inbound_messages LIMIT 1`, [incidentId, olga.id]);
      await fx.quarantined(olga.phone, ago(0));
      await fx.quarantined(olga.phone.slice(1), ago(0));
      await api.db.query(`INSERT INTO inbound_dropped (sender, hour, dropped, last_at) VALUES ($1, date_trunc('hour', now()), 3, now())`, [olga.phone]);
      before = await counts(incidentId);
    });

    it('should erase the person everywhere, answer the same when repeated, and leave the counts', async () => {
      const res = await api.request('DELETE', `/v1/subscribers/${olga.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: olga.id, erasedAt: expect.any(String) });
      const again = await api.request('DELETE', `/v1/subscribers/${olga.id}`);
      expect(again.body).toEqual(res.body);

      const text = await everything(api);
      for (const trace of ['79130000202', 'olga.erase', 'Ольга', 'Стираемая', olga.externalId + ',', 'router blinks', 'Olga is fine', 'sensitive']) {
        expect({ trace, found: text.includes(trace) }).toEqual({ trace, found: false });
      }
      expect(text).toContain('+79130000303'); // the other customer's message is untouched
      expect(await counts(incidentId)).toEqual(before);
      expect(await api.db.query(`SELECT rating FROM feedback WHERE subscriber_id = $1 AND rating IS NOT NULL`, [olga.id])).toEqual([{ rating: 4 }]);
    });

    it('should leave a subscriber no one can read, find or affect, and record who erased them', async () => {
      expect((await api.get(`/v1/subscribers/${olga.id}`)).status).toBe(404);
      expect((await api.patch(`/v1/subscribers/${olga.id}`, { phone: '+79130000202' })).status).toBe(404);
      expect((await api.get(`/v1/subscribers?q=Ольга`)).body.items).toEqual([]);
      const next = await declare('Another cut');
      const affected = await api.db.query(`SELECT subscriber_id FROM incident_impact WHERE incident_id = $1`, [next.id]);
      expect(affected.map((r: { subscriber_id: number }) => r.subscriber_id)).not.toContain(olga.id);
      expect(next.affected).toBe(affected.length);
      const audit = await api.get(`/v1/audit?subscriberId=${olga.id}`);
      expect(audit.body.items.filter((e: any) => e.method === 'DELETE')).toHaveLength(2);
    });

    it('should take an erased customer nobody has called yet off the call list and its counts, and keep a finished call', async () => {
      const waiting = await subscriber({ name: 'Лена Ждущая', phone: '+79130000404' });
      const called = await subscriber({ name: 'Юрий Обзвоненный', phone: '+79130000505' });
      const cut = (await declare('Second fibre cut')).id;
      expect((await api.post(`/v1/incidents/${cut}/calls`, { subscriberId: called.id, outcome: 'reached' }, managerKey)).status).toBe(201);
      const list = async (status: string) => {
        const res = await api.get(`/v1/incidents/${cut}/call-list?status=${status}`, managerKey);
        expect(res.status).toBe(200);
        const counts = { total: Number(res.headers.get('x-total-count')), pending: Number(res.headers.get('x-pending-count')) };
        return { ids: res.body.map((e: { subscriberId: number }) => e.subscriberId), entries: res.body, counts };
      };
      const before = { all: await list('all'), pending: await list('pending'), stats: (await counts(cut)).stats.callList };
      expect(before.pending.ids).toContain(waiting.id);
      expect(before.all.ids).toContain(called.id);
      expect(before.stats).toEqual(before.all.counts);

      for (const s of [waiting, called]) expect((await api.request('DELETE', `/v1/subscribers/${s.id}`)).status).toBe(200);

      const after = { all: await list('all'), pending: await list('pending'), stats: (await counts(cut)).stats.callList };
      expect(after.all.ids).toEqual(before.all.ids.filter((id: number) => id !== waiting.id)); // the finished call stays, in its place
      expect(after.all.entries.find((e: { subscriberId: number }) => e.subscriberId === called.id)).toMatchObject({
        name: '', erased: true, phone: null, email: null, reasons: [], outcome: 'reached',
      });
      expect(before.all.entries.find((e: { subscriberId: number }) => e.subscriberId === called.id)).toMatchObject({ erased: false });
      expect(after.pending.ids).toEqual(before.pending.ids.filter((id: number) => id !== waiting.id));
      const expected = { total: before.all.counts.total - 1, pending: before.all.counts.pending - 1 };
      expect([after.all.counts, after.pending.counts, after.stats]).toEqual([expected, expected, expected]);
      // Nor can a call to them be logged: they are not on the list any more.
      const late = await api.post(`/v1/incidents/${cut}/calls`, { subscriberId: waiting.id, outcome: 'no_answer' }, managerKey);
      expect(late.status).toBe(422);
    });

    it('should answer 404 for a subscriber that does not exist and 403 to NOC', async () => {
      expect((await api.request('DELETE', '/v1/subscribers/999999')).status).toBe(404);
      const noc = await api.keyFor('noc');
      expect((await api.request('DELETE', `/v1/subscribers/${other.id}`, { key: noc })).status).toBe(403);
      expect((await api.get(`/v1/subscribers/${other.id}`)).status).toBe(200);
    });
  });
});

describe('retention in the worker', () => {
  let engine: TestEngine;
  beforeAll(async () => {
    engine = await TestEngine.start({ RETENTION_INTERVAL_MINUTES: '30' });
  });
  afterAll(() => engine.stop());

  it('should schedule RetentionJob every RETENTION_INTERVAL_MINUTES and run it', async () => {
    const schedulers = await engine.worker!.get(JobQueue).queue(QUEUES.housekeeping).getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ name: 'RetentionJob', every: 30 * 60_000 })]);
    expect(await engine.worker!.get(RetentionJob).handle()).toMatchObject({ status: 'skipped', messages: 0, replies: 0 });
  });
});
