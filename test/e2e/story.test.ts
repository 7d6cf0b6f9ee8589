import { Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { SmscSimulator, startSmscSimulator } from '../../src/peers/smsc-simulator/smsc-simulator';
import { SmtpSink, startSmtpSink } from '../../src/peers/smtp-sink/smtp-sink';
import { normaliseMessageId } from '../../src/sms/delivery-receipt';
import { TestEngine } from '../support/engine';
import { expectCreated, seedTopology, SubscriberKey, SUBSCRIBERS } from '../support/topology';

/**
 * Issue 6: the product's story end to end. The HTTP api and a worker with the real SMPP and SMTP
 * adapters, talking to the local SMSC simulator and SMTP sink; only the clock is ours. Every
 * assertion is about what the peers received, traced back to the ledger by provider id.
 *
 * Two zones, default quiet hours 21:00–09:00: Novosibirsk (UTC+7: s1, s2, s5) and
 * Vladivostok (UTC+10: s3, s4).
 */
const QUIET = { from: 21, to: 9 };
const ZONE: Record<SubscriberKey, string> = {
  s1: 'Asia/Novosibirsk', s2: 'Asia/Novosibirsk', s5: 'Asia/Novosibirsk', s3: 'Asia/Vladivostok', s4: 'Asia/Vladivostok',
};
const NSK: SubscriberKey[] = ['s1', 's2', 's5'];
const VLA: SubscriberKey[] = ['s3', 's4'];
const ALL: SubscriberKey[] = [...NSK, ...VLA];

const DECLARE = '2026-11-23T12:00:00Z'; // 19:00 in Novosibirsk, 22:00 in Vladivostok
const ETR_SLIP = '2026-11-23T12:30:00Z';
const RESOLVE = '2026-11-23T13:00:00Z';
const NIGHT = '2026-11-23T16:00:00Z'; // the 2 h follow-up delay has passed, but it is 23:00 / 02:00
const VLA_MORNING = '2026-11-24T00:30:00Z'; // 09:30 in Vladivostok, 07:30 in Novosibirsk
const NSK_MORNING = '2026-11-24T02:45:00Z'; // 09:45 in Novosibirsk; Vladivostok's summary is 2 h 15 min old

const MANAGER = { name: 'Ирина Смирнова', phone: '+73832000101', email: 'i.smirnova@operator.example', areaCodes: ['RU'] };

interface Arrival {
  key: SubscriberKey;
  channel: 'sms' | 'email';
  kind: string;
  messageId: string;
  /** What the peer got, and what the ledger says was rendered. */
  received: { to: string; text: string; dataCodings?: number[] };
  ledger: { recipient: string; body: string };
}

const asleep = (key: SubscriberKey, iso: string) => {
  const hour = DateTime.fromISO(iso).setZone(ZONE[key]).hour;
  return hour >= QUIET.from || hour < QUIET.to;
};
const line = (a: Pick<Arrival, 'key' | 'channel' | 'kind'>) => `${a.key} ${a.channel}:${a.kind}`;
const lines = (channel: 'sms' | 'email', kind: string, keys: SubscriberKey[]) => keys.map((key) => line({ key, channel, kind }));

describe('the story: declare → awake texted, asleep wait → ETR slip → resolve → morning summary → follow-up', () => {
  let sim: SmscSimulator;
  let sink: SmtpSink;
  let engine: TestEngine;
  let keyOf: Map<number, SubscriberKey>;
  let incident: { id: number; code: string; manager: { name: string } | null; affected: number };
  let seenSms = 0;
  let seenMail = 0;
  const story: Array<{ at: string; arrivals: Arrival[] }> = [];

  /** What reached the peers since the last call, each traced to its messages row. */
  async function arrivals(): Promise<Arrival[]> {
    const texts = sim.messages().slice(seenSms);
    const mails = (await sink.messages()).slice(seenMail);
    seenSms += texts.length;
    seenMail += mails.length;
    const providerIds = [...texts.flatMap((t) => t.parts.map((p) => normaliseMessageId(p.messageId))), ...mails.map((m) => m.queueId)];
    const rows: Array<{ provider_id: string; id: string; dedupe_key: string; subscriber_id: number; channel: 'sms' | 'email'; kind: string; recipient: string; body: string }> =
      await engine.api.db.query(
        `SELECT p.provider_id, m.id::text, m.dedupe_key, m.subscriber_id, m.channel, m.kind, m.recipient, m.body
         FROM message_parts p JOIN messages m ON m.id = p.message_id WHERE p.provider_id = ANY($1)`,
        [providerIds],
      );
    const byProvider = new Map(rows.map((r) => [r.provider_id, r]));
    const traced = (providerId: string) => {
      const row = byProvider.get(providerId);
      if (!row) throw new Error(`a peer received ${providerId}, which no message in the ledger was given`);
      return row;
    };
    const out: Arrival[] = [];
    for (const t of texts) {
      const partRows = t.parts.map((p) => traced(normaliseMessageId(p.messageId)));
      expect(t.complete).toBe(true);
      expect(new Set(partRows.map((r) => r.id)).size).toBe(1); // every part of one text belongs to one message
      const row = partRows[0];
      out.push({
        key: keyOf.get(row.subscriber_id)!, channel: row.channel, kind: row.kind, messageId: row.id,
        received: { to: `+${t.to}`, text: t.text, dataCodings: t.parts.map((p) => p.dataCoding) },
        ledger: { recipient: row.recipient, body: row.body },
      });
    }
    for (const m of mails) {
      const row = traced(m.queueId);
      // The Message-ID is the message's key (thread, version, kind): the same on every try.
      expect(m.messageId).toBe(`<msg-${row.dedupe_key.replace(/:/g, '_')}.outage-notifier@example.net>`);
      out.push({
        key: keyOf.get(row.subscriber_id)!, channel: row.channel, kind: row.kind, messageId: row.id,
        received: { to: m.envelope.to.join(','), text: m.text ?? '' },
        ledger: { recipient: row.recipient, body: row.body },
      });
    }
    return out;
  }

  /** Moves the clock, lets the engine do everything now due, and returns what reached the peers. */
  async function step(at: string, action?: () => Promise<void>): Promise<string[]> {
    engine.setNow(at);
    await action?.();
    await engine.settle();
    const got = await arrivals();
    story.push({ at, arrivals: got });
    return got.map(line).sort();
  }

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    sim = await startSmscSimulator({ systemId: 'outage', password: 'secret', receipts: { delayMs: 100 } });
    sink = await startSmtpSink();
    engine = await TestEngine.start(
      {
        SMSC_HOST: '127.0.0.1', SMSC_PORT: String(sim.smppPort), SMSC_SYSTEM_ID: 'outage', SMSC_PASSWORD: 'secret',
        SMTP_HOST: '127.0.0.1', SMTP_PORT: String(sink.smtpPort), SMTP_TIMEOUT_MS: '5000',
        DEFAULT_QUIET_HOURS: '21:00-09:00', FOLLOWUP_HOURS: '2', EMAIL_QUIET_HOURS: 'false',
      },
      { channels: 'real' },
    );
    const ids = await seedTopology(engine.api, { s2: { locale: 'en' } });
    keyOf = new Map(Object.entries(ids).map(([k, id]) => [id, k as SubscriberKey]));
    await expectCreated(engine.api, '/v1/outage-managers', MANAGER);
  });

  afterAll(async () => {
    await engine?.stop();
    await sim?.stop();
    await sink?.stop();
  });

  it('should show on the readiness page that the worker is bound to the SMSC', async () => {
    const deadline = Date.now() + 10_000;
    let smsc: any;
    while (Date.now() < deadline) {
      smsc = (await engine.api.get('/health/ready', null)).body.checks.smsc;
      if (smsc?.bound > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(smsc).toEqual({ ok: true, workers: 1, bound: 1 });
  });

  it('should text the awake and email everyone when an outage is declared, and keep the asleep waiting', async () => {
    const got = await step(DECLARE, async () => {
      const res = await engine.api.post('/v1/incidents', {
        title: 'Обрыв магистрали', kind: 'outage', scope: { areaCodes: ['RU'] }, etr: '2026-11-23T16:00:00Z',
      });
      expect(res.status).toBe(201);
      incident = res.body;
    });
    expect(incident).toMatchObject({ affected: 5, manager: { name: MANAGER.name } });
    expect(got).toEqual([...lines('sms', 'notice', NSK), ...lines('email', 'notice', ALL)].sort());
  });

  it('should tell of a significant ETR slip at once on both channels, by SMS only to the awake', async () => {
    const got = await step(ETR_SLIP, async () => {
      expect((await engine.api.post(`/v1/incidents/${incident.id}/updates`, { etr: '2026-11-23T18:00:00Z' })).status).toBe(200);
    });
    expect(got).toEqual([...lines('sms', 'etr_change', NSK), ...lines('email', 'etr_change', ALL)].sort());
  });

  it('should tell of the restoration', async () => {
    const got = await step(RESOLVE, async () => {
      expect((await engine.api.post(`/v1/incidents/${incident.id}/resolve`, { message: 'Магистраль восстановлена' })).status).toBe(200);
    });
    expect(got).toEqual([...lines('sms', 'restored', NSK), ...lines('email', 'restored', ALL)].sort());
  });

  it('should send nothing at night, though the follow-up delay has passed', async () => {
    expect(await step(NIGHT)).toEqual([]);
  });

  it('should give those who slept through it one morning summary, and nothing yet to the others', async () => {
    expect(await step(VLA_MORNING)).toEqual(lines('sms', 'summary', VLA).sort());
  });

  it('should ask everyone for a rating by SMS once they are awake and the delay has passed', async () => {
    expect(await step(NSK_MORNING)).toEqual(lines('sms', 'followup', ALL).sort());
  });

  it('should have given each subscriber exactly this story on each channel', () => {
    const received = (key: SubscriberKey, channel: 'sms' | 'email') =>
      story.flatMap((s) => s.arrivals).filter((a) => a.key === key && a.channel === channel).map((a) => a.kind);
    for (const key of NSK) {
      expect({ key, sms: received(key, 'sms') }).toEqual({ key, sms: ['notice', 'etr_change', 'restored', 'followup'] });
    }
    for (const key of VLA) expect({ key, sms: received(key, 'sms') }).toEqual({ key, sms: ['summary', 'followup'] });
    for (const key of ALL) {
      expect({ key, email: received(key, 'email') }).toEqual({ key, email: ['notice', 'etr_change', 'restored'] });
    }
  });

  it('should never have texted anyone inside their quiet hours', () => {
    const texts = story.flatMap((s) => s.arrivals.filter((a) => a.channel === 'sms').map((a) => ({ key: a.key, at: s.at })));
    expect(texts).toHaveLength(NSK.length * 4 + VLA.length * 2);
    expect(texts.filter((t) => asleep(t.key, t.at))).toEqual([]);
  });

  it('should have sent each message once, to its subscriber, exactly as rendered, and recorded no send a peer did not get', async () => {
    const all = story.flatMap((s) => s.arrivals);
    expect(new Set(all.map((a) => a.messageId)).size).toBe(all.length);
    for (const a of all) expect(a.received.to).toBe(a.channel === 'sms' ? SUBSCRIBERS[a.key].phone : SUBSCRIBERS[a.key].email);
    for (const a of all) expect(a.ledger.recipient).toBe(a.received.to);
    for (const a of all.filter((x) => x.channel === 'sms')) expect(a.received.text).toBe(a.ledger.body);
    const [ledger] = await engine.api.db.query(
      `SELECT count(*) FILTER (WHERE channel = 'sms')::int AS sms, count(*) FILTER (WHERE channel = 'email')::int AS email
       FROM messages WHERE state <> 'failed'`,
    );
    expect(ledger).toEqual({ sms: all.filter((a) => a.channel === 'sms').length, email: all.filter((a) => a.channel === 'email').length });
  });

  it('should deliver Russian texts intact as UCS-2, naming the manager and the tracking code', () => {
    const texts = story.flatMap((s) => s.arrivals).filter((a) => a.channel === 'sms');
    const russian = texts.filter((a) => a.key !== 's2');
    expect(russian.every((a) => a.received.dataCodings!.every((dc) => dc === 0x08))).toBe(true);
    expect(russian.every((a) => /[а-яё]/i.test(a.received.text))).toBe(true);
    const notice = russian.find((a) => a.key === 's1' && a.kind === 'notice')!;
    expect(notice.received.text).toContain(`Менеджер ${MANAGER.name} ${MANAGER.phone}`);
    expect(notice.received.text).toContain(incident.code);
    expect(texts.find((a) => a.key === 's2' && a.kind === 'notice')!.received.text).toMatch(/^Outage, sorry!/); // s2 reads English
  });
});
