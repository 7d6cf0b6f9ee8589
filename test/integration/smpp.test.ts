import { Logger } from '@nestjs/common';
import { register } from 'prom-client';
import { loadConfig } from '../../src/config/app-config';
import { OutboundMessage } from '../../src/notifications/channel.port';
import { SmscSimulator, SmscSimulatorOptions, startSmscSimulator } from '../../src/peers/smsc-simulator/smsc-simulator';
import { InboundSms } from '../../src/sms/inbound';
import { createSmsAdapter } from '../../src/sms/sms.module';
import { SmsAdapter } from '../../src/sms/sms.adapter';
import { SmscClient, SmscClientOptions } from '../../src/sms/smsc-client';
import { waitFor as poll } from '../support/wait';

/** The SMS channel against the local SMSC simulator over real TCP. */

const RUSSIAN_TWO_PARTS = 'Уважаемый абонент! Из-за аварии на линии в вашем доме нет интернета. Восстановим до 18:00. Оператор: Анна.';

let sim: SmscSimulator | undefined;
let sut: SmsAdapter | undefined;
let client: SmscClient;
let inbound: InboundSms[];

async function setup(simOptions: SmscSimulatorOptions = {}, clientOptions: Partial<SmscClientOptions> = {}): Promise<SmsAdapter> {
  sim = await startSmscSimulator({ systemId: 'outage', password: 'secret', receipts: false, ...simOptions });
  client = new SmscClient({
    name: 'sim',
    host: '127.0.0.1',
    port: sim.smppPort,
    systemId: 'outage',
    password: 'secret',
    systemType: '',
    bindMode: 'transceiver',
    binds: 1,
    window: 50,
    maxRate: 0,
    bindMaxRate: 0,
    responseTimeoutMs: 2000,
    enquireLinkMs: 10_000,
    retryBudgetMs: 15_000,
    reconnectMinMs: 50,
    reconnectMaxMs: 500,
    ...clientOptions,
  });
  sut = new SmsAdapter(client, { sender: 'Outages', gsmDataCoding: 0, longMessages: 'udh', validityMinutes: 360 });
  inbound = [];
  sut.onInbound((e) => void inbound.push(e));
  sut.start();
  await waitFor(() => client.boundTransmitters === (clientOptions.binds ?? 1), 'binds');
  return sut;
}

/** Over real TCP: a longer deadline than in-process tests. */
const waitFor = (condition: () => boolean, what: string) => poll(condition, what, 15_000);

function messages(n: number, text = 'Power is back in your area. Sorry for the trouble.', prefix = '7913'): OutboundMessage[] {
  return Array.from({ length: n }, (_, i) => ({ messageId: `m${i}`, channel: 'sms', to: `+${prefix}${String(1_000_000 + i).slice(-7)}`, text }));
}

beforeAll(() => Logger.overrideLogger(['error']));

afterEach(async () => {
  await sut?.stop(1000);
  await sim?.stop();
  sut = undefined;
  sim = undefined;
});

describe('SMS over SMPP', () => {
  it('should deliver a two-part Russian message with one data_coding and a UDH, and receipts per part matching the submit_sm_resp ids', async () => {
    await setup({ receipts: { delayMs: 50 } });
    const [outcome] = await sut!.send([{ messageId: 'ru', channel: 'sms', to: '+79131234567', text: RUSSIAN_TWO_PARTS }]);

    expect(outcome).toMatchObject({ status: 'accepted', parts: 2 });
    const [got] = sim!.messages();
    expect(got).toMatchObject({ to: '79131234567', text: RUSSIAN_TWO_PARTS, totalParts: 2, complete: true });
    expect(got.parts.map((p) => p.dataCoding)).toEqual([0x08, 0x08]);
    const udhs = got.parts.map((p) => p.udh!);
    expect(udhs[0].slice(0, 8)).toBe(udhs[1].slice(0, 8)); // 05 00 03 <same reference>
    expect(udhs.map((u) => u.slice(8))).toEqual(['0201', '0202']);

    await waitFor(() => inbound.length === 2, 'two receipts');
    const receipts = inbound.map((e) => (e.kind === 'receipt' ? e.receipt : undefined));
    const providerIds = outcome.status === 'accepted' ? outcome.providerIds : [];
    expect(receipts.map((r) => r?.messageId).sort()).toEqual([...providerIds].sort());
    expect(receipts.every((r) => r?.state === 'delivered')).toBe(true);
  });

  it('should match text-form receipts (decimal ids) to the hex submit_sm_resp ids when the SMSC sends no TLVs', async () => {
    await setup({ receipts: { delayMs: 20, form: 'text', outcomes: { UNDELIV: 1 } } });
    const [outcome] = await sut!.send([{ messageId: 'ru', channel: 'sms', to: '+79131234567', text: RUSSIAN_TWO_PARTS }]);
    await waitFor(() => inbound.length === 2, 'two receipts');

    const providerIds = outcome.status === 'accepted' ? outcome.providerIds : [];
    for (const id of providerIds) {
      const receipt = inbound.map((e) => (e.kind === 'receipt' ? e.receipt : undefined)).find((r) => r?.idCandidates.includes(id));
      expect(receipt).toMatchObject({ state: 'undeliverable', error: '001' });
      expect(receipt!.messageId).not.toBe(id); // the text form quotes it in decimal
    }
  });

  it('should work as a transmitter + receiver pair like a transceiver', async () => {
    await setup({ receipts: { delayMs: 20 } }, { bindMode: 'transmitter-receiver' });
    await waitFor(() => sim!.stats().bound.receiver === 1, 'receiver bound');
    expect(sim!.stats().bound).toEqual({ transmitter: 1, receiver: 1 });

    const [outcome] = await sut!.send([{ messageId: 'ru', channel: 'sms', to: '+79131234567', text: RUSSIAN_TWO_PARTS }]);
    expect(outcome).toMatchObject({ status: 'accepted', parts: 2 });
    await waitFor(() => inbound.length === 2, 'two receipts on the receiver');

    expect(sim!.sendMo('+79131234567', 'Outages', 'Стоп')).toBe(1);
    await waitFor(() => inbound.length === 3, 'the MO message');
    expect(inbound[2]).toMatchObject({ kind: 'mo', from: '+79131234567', to: 'Outages', text: 'Стоп' });
  });

  it('should spread a batch over several binds within each window', async () => {
    await setup({}, { binds: 3, window: 5 });
    expect(sim!.stats().bound).toEqual({ transceiver: 3 });
    const outcomes = await sut!.send(messages(300));
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(sim!.stats().submitted).toBe(300);
  });

  it('should send the rest of a message begun before the batch deadline, and nothing of one not begun', async () => {
    await setup({}, { maxRate: 2 }); // one token now, the next in 500 ms
    const batch = messages(2, RUSSIAN_TWO_PARTS);
    const outcomes = await sut!.send(batch, Date.now() + 100);

    // Cut at the deadline, m0's first part would wait on the handset for a second that never came, and the
    // engine would send the whole text again.
    expect(outcomes).toMatchObject([{ messageId: 'm0', status: 'accepted' }, { messageId: 'm1', status: 'retry', untried: true }]);
    expect(sim!.stats().submitted).toBe(2);
    expect(sim!.messages()).toMatchObject([{ to: batch[0].to.slice(1), text: RUSSIAN_TWO_PARTS, complete: true }]);
  });

  it('should fail only the message whose destination the SMSC rejects, with the status name', async () => {
    await setup({ rejectPrefixes: ['7999'] });
    const batch = [...messages(3), ...messages(1, 'hello', '7999')].map((m, i) => ({ ...m, messageId: `m${i}` }));
    const outcomes = await sut!.send(batch);

    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted', 'failed']);
    expect(outcomes[3]).toMatchObject({ messageId: 'm3', error: 'ESME_RINVDSTADR' });
  });

  it('should follow the SMSC throttle with no failed messages', async () => {
    // A throttle far below what the client manages even on a busy machine, so it is always hit.
    await setup({ throttleRate: 100 }, { window: 20 });
    const started = Date.now();
    const outcomes = await sut!.send(messages(400));
    const perSecond = 400 / ((Date.now() - started) / 1000);

    expect(outcomes.filter((o) => o.status !== 'accepted')).toEqual([]);
    expect(sim!.stats().throttled).toBeGreaterThan(0);
    expect(sim!.stats().submitted).toBe(400);
    expect(perSecond).toBeLessThan(130); // it never pushed on past the throttle; a busy machine can only be slower
  });

  it('should hold to its own rate limit', async () => {
    await setup({ throttleRate: 300 }, { maxRate: 200 });
    const started = Date.now();
    const outcomes = await sut!.send(messages(300));
    const seconds = (Date.now() - started) / 1000;

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    // Held to 200 a second by its own bucket (a busy machine can only make it slower). Whether the
    // SMSC saw a second above 300 depends on its own event loop too, so it is not asserted here.
    expect(seconds).toBeGreaterThan(1.3);
  });

  it('should reconnect and lose nothing when the SMSC drops the connection mid-batch', async () => {
    await setup({}, { window: 50, maxRate: 2000 });
    const sending = sut!.send(messages(2000));
    await waitFor(() => sim!.stats().submitted >= 500, '500 submitted');
    sim!.dropConnections();
    const outcomes = await sending;

    expect(outcomes.filter((o) => o.status !== 'accepted')).toEqual([]);
    expect(client.counters.disconnects).toBeGreaterThanOrEqual(1);
    expect(client.counters.binds).toBeGreaterThanOrEqual(2);
    expect(client.counters.unanswered).toBeGreaterThan(0); // in flight when the line dropped, sent again
    const destinations = new Set(sim!.messages().map((m) => m.to));
    expect(destinations.size).toBe(2000);
  });

  it('should resolve requests an SMSC stops answering by timeout, rebuild the session and resend them', async () => {
    await setup({}, { responseTimeoutMs: 300, enquireLinkMs: 200, maxRate: 500 });
    register.getSingleMetric('outage_smpp_submit_unanswered_total')!.reset(); // counted since this test's start
    const sending = sut!.send(messages(400));
    await waitFor(() => sim!.stats().submitted >= 100, '100 submitted');
    sim!.stall();
    const outcomes = await sending;

    expect(outcomes.filter((o) => o.status !== 'accepted')).toEqual([]);
    expect(client.counters.unanswered).toBeGreaterThan(0);
    expect(client.counters.binds).toBeGreaterThanOrEqual(2);
    // What an operator sees of it: parts the SMSC may now have twice.
    const unanswered = (await register.getSingleMetric('outage_smpp_submit_unanswered_total')!.get()).values;
    expect(unanswered.reduce((n, v) => n + v.value, 0)).toBe(client.counters.unanswered);
  });

  it('should destroy and rebuild the session when enquire_link goes unanswered', async () => {
    await setup({}, { responseTimeoutMs: 200, enquireLinkMs: 100 });
    sim!.stall();
    await waitFor(() => client.counters.disconnects >= 1 && client.boundTransmitters === 1, 'a rebuilt session');

    expect(client.counters.binds).toBe(2);
    expect(await sut!.send(messages(1))).toMatchObject([{ status: 'accepted' }]);
  });

  it('should rebuild the session when the SMSC sends a malformed PDU', async () => {
    await setup();
    expect(sim!.sendMalformed()).toBe(1);
    await waitFor(() => client.counters.binds === 2 && client.boundTransmitters === 1, 'a rebuilt session');

    expect(client.counters.disconnects).toBe(1);
    expect(await sut!.send(messages(3))).toMatchObject([{ status: 'accepted' }, { status: 'accepted' }, { status: 'accepted' }]);
  });

  it('should come back with retry when the SMSC refuses the bind', async () => {
    sim = await startSmscSimulator({ systemId: 'outage', password: 'other' });
    client = new SmscClient({
      name: 'sim', host: '127.0.0.1', port: sim.smppPort, systemId: 'outage', password: 'secret', systemType: '', bindMode: 'transceiver',
      binds: 1, window: 10, maxRate: 0, bindMaxRate: 0, responseTimeoutMs: 500, enquireLinkMs: 10_000, retryBudgetMs: 500, reconnectMinMs: 50,
    });
    sut = new SmsAdapter(client, { sender: 'Outages', gsmDataCoding: 0, longMessages: 'udh', validityMinutes: 360 });
    sut.start();
    const [outcome] = await sut.send(messages(1));

    expect(outcome).toMatchObject({ status: 'retry', error: expect.stringContaining('unavailable'), untried: true }); // not a try: never handed over
    expect(sim.stats().bindsRefused).toBeGreaterThan(0);
  });

  it('should drain in-flight messages and unbind when stopped', async () => {
    await setup({}, { maxRate: 500 });
    const sending = sut!.send(messages(200));
    await waitFor(() => sim!.stats().submitted >= 20, '20 submitted');
    await sut!.stop(5000);
    const outcomes = await sending;

    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(sim!.stats().unbinds).toBe(1);
    sut = undefined;
  });

  it('should answer a deliver_sm the handler could not take with ESME_RX_T_APPN, so the SMSC delivers it again', async () => {
    await setup({ receipts: { delayMs: 10 } });
    let refused = 0;
    sut!.onInbound((e) => {
      if (refused++ === 0) throw new Error('database down');
      inbound.push(e);
    });
    await sut!.send(messages(1));
    await waitFor(() => inbound.length === 1, 'the receipt, delivered again');
    await waitFor(() => sim!.stats().receiptsAcked === 1, 'the simulator to read the positive deliver_sm_resp');

    expect(refused).toBe(2);
    expect(sim!.stats()).toMatchObject({ receiptsSent: 2, receiptsAcked: 1 });
  });

  it('should take MO messages injected over the simulator HTTP endpoint and list what the SMSC received', async () => {
    await setup();
    const mo = await fetch(`${sim!.httpUrl}/mo`, { method: 'POST', body: JSON.stringify({ from: '+79131234567', to: 'Outages', text: 'СТАТУС' }) });
    expect(mo.status).toBe(202);
    await waitFor(() => inbound.length === 1, 'the MO message');
    expect(inbound[0]).toMatchObject({ kind: 'mo', from: '+79131234567', text: 'СТАТУС', dataCoding: 8 });

    await sut!.send([{ messageId: 'g', channel: 'sms', to: '+79131234567', text: 'Price: 5€ [ok]' }]);
    const listed = (await (await fetch(`${sim!.httpUrl}/messages`)).json()) as Array<{ text: string; dataCoding: number }>;
    expect(listed[0]).toMatchObject({ text: 'Price: 5€ [ok]', dataCoding: 0 });
    expect(((await (await fetch(`${sim!.httpUrl}/stats`)).json()) as { moSent: number }).moSent).toBe(1);
  });

  it('should send with the settings read from the environment', async () => {
    sim = await startSmscSimulator({ systemId: 'acme', password: 'pw' });
    const config = loadConfig({
      DATABASE_URL: 'postgres://x@127.0.0.1/x',
      REDIS_URL: 'redis://127.0.0.1',
      SMSC_PORT: String(sim.smppPort),
      SMSC_SYSTEM_ID: 'acme',
      SMSC_PASSWORD: 'pw',
      SMSC_BIND_MODE: 'transmitter-receiver',
      SMSC_GSM_DATA_CODING: '1',
      SMSC_SOURCE_ADDRESS: '+79000000000',
    });
    sut = createSmsAdapter(config.smsc);
    sut.start();
    const [outcome] = await sut.send(messages(1));

    expect(outcome).toMatchObject({ status: 'accepted', parts: 1 });
    expect(sim.messages()[0]).toMatchObject({ from: '79000000000', dataCoding: 1 });
    // The pair's receiver and, by default (SMSC_RECEIVER_BINDS), one of its own.
    await waitFor(() => sim!.stats().bound.receiver === 2, 'receivers bound');
    expect(sim.stats().bound).toEqual({ transmitter: 1, receiver: 2 });
  });

  it('should fail a message to a number that is not E.164 without submitting it', async () => {
    await setup();
    expect(await sut!.send([{ messageId: 'x', channel: 'sms', to: '89131234567', text: 'hi' }])).toEqual([
      { messageId: 'x', status: 'failed', error: 'InvalidDestination: not an E.164 number' },
    ]);
    expect(sim!.stats().submitted).toBe(0);
  });
});
