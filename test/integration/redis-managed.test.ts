import { randomBytes } from 'crypto';
import IORedis, { Cluster } from 'ioredis';
import { freshDatabase, TestDatabase } from '../support/db';
import { Deployment } from '../support/deployment';
import { RedisCluster, RedisSentinel } from '../support/processes';
import { waitFor } from '../support/wait';
import { closeRedis } from '../../src/jobs/redis';

/**
 * Redis in the forms managed services offer, each real on loopback ports: a Cluster of three
 * masters (`redis-cli --cluster create`) and a master watched by a Sentinel. The built api and
 * worker reach it through REDIS_CLUSTER_NODES / REDIS_SENTINELS alone and run a send-out over
 * SMPP to the simulator, receipts applied; the readiness page finds the worker's SMSC report.
 */

const SUBSCRIBERS = 20;

/** A send-out of SUBSCRIBERS texts, every one handed over and its receipt applied. */
async function sendOut(d: Deployment): Promise<void> {
  await d.seed(SUBSCRIBERS);
  const id = await d.declare();
  await d.settled(id, SUBSCRIBERS);
  expect((await d.handedOver()).size).toBe(SUBSCRIBERS);
}

/** The readiness page counts the worker's bind once its report (every 5 s) has said so. */
async function expectBindReported(d: Deployment): Promise<void> {
  await waitFor(async () => {
    const res = await fetch(`${d.apiUrl}/health/ready`);
    const smsc = ((await res.json()) as { checks: { smsc?: { ok: boolean; bound: number; workers: number } } }).checks.smsc;
    return res.status === 200 && smsc?.ok && smsc.workers === 1 && smsc.bound === 1;
  }, 'the readiness page to show the worker\'s bind', 30_000);
}

describe('Redis Cluster', () => {
  let cluster: RedisCluster;
  let database: TestDatabase;
  let d: Deployment;
  const prefix = `test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    cluster = await RedisCluster.start(3);
    database = await freshDatabase();
    // One node named: the others are found from it.
    d = await Deployment.start(database, { REDIS_CLUSTER_NODES: `127.0.0.1:${cluster.ports[1]}`, QUEUE_PREFIX: prefix });
  }, 120_000);

  afterAll(async () => {
    await d?.stop();
    await cluster?.stop();
    await database?.drop();
  });

  it('should run a send-out with every key of the deployment under one hash tag', async () => {
    await sendOut(d);
    const client = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0] }]);
    try {
      await new Promise((resolve) => client.once('ready', resolve));
      const keys: string[] = [];
      for (const node of client.nodes('master')) keys.push(...(await node.keys('*')));
      const ours = keys.filter((k) => k.includes(prefix));
      expect(ours.length).toBeGreaterThan(0);
      expect(ours.filter((k) => !k.startsWith(`{${prefix}}:`))).toEqual([]);
      expect(ours.some((k) => k.startsWith(`{${prefix}}:deliveries-sms:`))).toBe(true);
      const slots = new Set(await Promise.all(ours.map((k) => client.cluster('KEYSLOT', k))));
      expect(slots.size).toBe(1);
    } finally {
      await closeRedis(client);
    }
    await expectBindReported(d);
  }, 180_000);
});

describe('Redis behind Sentinel', () => {
  let sentinel: RedisSentinel;
  let database: TestDatabase;
  let d: Deployment;
  const prefix = `test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    sentinel = await RedisSentinel.start();
    database = await freshDatabase();
    d = await Deployment.start(database, { REDIS_SENTINELS: `127.0.0.1:${sentinel.port}`, REDIS_SENTINEL_NAME: 'mymaster', QUEUE_PREFIX: prefix });
  }, 120_000);

  afterAll(async () => {
    await d?.stop();
    await sentinel?.stop();
    await database?.drop();
  });

  it('should find the master through the Sentinel and run a send-out on it', async () => {
    await sendOut(d);
    const master = new IORedis(sentinel.masterPort, '127.0.0.1');
    try {
      expect((await master.keys(`${prefix}:deliveries-sms:*`)).length).toBeGreaterThan(0);
    } finally {
      await closeRedis(master);
    }
    await expectBindReported(d);
  }, 180_000);
});
