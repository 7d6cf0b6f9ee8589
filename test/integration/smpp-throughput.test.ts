import { Logger } from '@nestjs/common';
import { OutboundMessage } from '../../src/notifications/channel.port';
import { SmscSimulator, startSmscSimulator } from '../../src/peers/smsc-simulator/smsc-simulator';
import { SmsAdapter } from '../../src/sms/sms.adapter';
import { SmscClient } from '../../src/sms/smsc-client';

/**
 * A large batch through the SMS channel: SmsAdapter → one transceiver bind, window 100, no rate
 * limit → the simulator (in this process) acknowledging at once. Prints the rate for the curious;
 * speed is judged by bench:channels, which has a baseline measured beside it.
 */

const N = 20_000;
let sim: SmscSimulator;
let sut: SmsAdapter;

function batch(n: number): OutboundMessage[] {
  return Array.from({ length: n }, (_, i) => ({ messageId: `m${i}`, channel: 'sms', to: `+7913${String(1_000_000 + i).slice(-7)}`, text: 'Power is back in your area. Sorry for the trouble.' }));
}

beforeAll(async () => {
  Logger.overrideLogger(['error']);
  sim = await startSmscSimulator({ systemId: 'outage', password: 'secret', receipts: false, keepMessages: 100 });
  const client = new SmscClient({
    name: 'sim', host: '127.0.0.1', port: sim.smppPort, systemId: 'outage', password: 'secret', systemType: '', bindMode: 'transceiver',
    binds: 1, window: 100, maxRate: 0, bindMaxRate: 0, responseTimeoutMs: 10_000, enquireLinkMs: 30_000, retryBudgetMs: 30_000,
  });
  sut = new SmsAdapter(client, { sender: 'Outages', gsmDataCoding: 0, longMessages: 'udh', validityMinutes: 360 });
  sut.start();
  await sut.send(batch(5_000)); // binds, and warms the JIT
});

afterAll(async () => {
  await sut.stop(1000);
  await sim.stop();
});

describe('SMS channel throughput', () => {
  it('should hand every message of a large batch over, each once, when the SMSC acknowledges at once', async () => {
    const submittedBefore = sim.stats().submitted;
    const started = performance.now();
    const outcomes = await sut.send(batch(N));
    const perSecond = Math.round(N / ((performance.now() - started) / 1000));
    process.stdout.write(`SmsAdapter → simulator, window 100: ${N} SMS at ${perSecond} SMS/s\n`);

    expect(outcomes.filter((o) => o.status !== 'accepted')).toEqual([]);
    expect(new Set(outcomes.map((o) => o.messageId)).size).toBe(N);
    expect(sim.stats().submitted - submittedBefore).toBe(N);
  });
});
