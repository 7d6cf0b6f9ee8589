import { createHash, randomBytes } from 'crypto';
import { ADMIN_KEY, TestApi } from '../support/api';
import { RedisServer } from '../support/processes';
import { expectCreated, seedTopology } from '../support/topology';

/**
 * A NOC operator whose declare went unanswered retries it: with an Idempotency-Key the retry gets
 * the first answer and customers hear once. And with Redis gone the api answers anyway, since the
 * incident committed in PostgreSQL is what the dispatcher plans from.
 */

const DECLARE = { title: 'Ring down', kind: 'outage', scope: { areaCodes: ['RU'] } };

async function post(api: TestApi, path: string, body: unknown, idempotencyKey?: string, key = ADMIN_KEY) {
  const res = await fetch(api.baseUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

const incidentCount = async (api: TestApi) => (await api.db.query(`SELECT count(*)::int AS n FROM incidents`))[0].n as number;

describe('Idempotency-Key on the writes a NOC operator retries', () => {
  let api: TestApi;
  let ids: Record<string, number>;
  beforeAll(async () => {
    api = await TestApi.start();
    ids = await seedTopology(api, { s1: { tier: 'vip' } });
    api.setNow('2026-11-23T08:00:00Z');
  });
  afterAll(() => api.stop());

  it('should answer a repeated declare with the first answer and declare once', async () => {
    const before = await incidentCount(api);
    const first = await post(api, '/v1/incidents', DECLARE, 'declare-1');
    const again = await post(api, '/v1/incidents', DECLARE, 'declare-1');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await incidentCount(api)).toBe(before + 1);
  });

  it('should refuse the same key with another body, and change nothing', async () => {
    await post(api, '/v1/incidents', DECLARE, 'declare-2');
    const before = await incidentCount(api);
    const other = await post(api, '/v1/incidents', { ...DECLARE, title: 'Another outage' }, 'declare-2');
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await incidentCount(api)).toBe(before);
  });

  it('should keep keys apart per API key, and declare twice without a key', async () => {
    const noc = (await expectCreated(api, '/v1/api-keys', { name: 'noc', role: 'noc' })).key;
    const before = await incidentCount(api);
    const mine = await post(api, '/v1/incidents', DECLARE, 'shared-name');
    const theirs = await post(api, '/v1/incidents', DECLARE, 'shared-name', noc);
    expect(theirs.body.id).not.toBe(mine.body.id);
    await post(api, '/v1/incidents', DECLARE);
    await post(api, '/v1/incidents', DECLARE);
    expect(await incidentCount(api)).toBe(before + 4);
  });

  it('should free a key whose request failed, since it changed nothing', async () => {
    const bad = await post(api, '/v1/incidents', { ...DECLARE, kind: 'meteor' }, 'declare-3');
    expect(bad.status).toBe(422);
    const good = await post(api, '/v1/incidents', DECLARE, 'declare-3');
    expect(good.status).toBe(201);
  });

  it('should name the header when the key is malformed, and change nothing', async () => {
    const before = await incidentCount(api);
    for (const key of ['has space', 'x'.repeat(201), 'café']) {
      const res = await post(api, '/v1/incidents', DECLARE, key);
      expect(res.status).toBe(422);
      expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    }
    expect(await incidentCount(api)).toBe(before);
  });

  it('should answer 409 with Retry-After while the first request with the key still runs', async () => {
    const path = '/v1/incidents';
    const fingerprint = createHash('sha256').update(JSON.stringify(['POST', path, DECLARE])).digest('base64url');
    const [{ id: keyId }] = await api.db.query(`SELECT id FROM api_keys WHERE name LIKE 'bootstrap admin%'`);
    await api.db.query(`INSERT INTO idempotency_keys (api_key_id, key, fingerprint) VALUES ($1, 'in-flight', $2)`, [keyId, fingerprint]);
    const res = await post(api, path, DECLARE, 'in-flight');
    expect(res.status).toBe(409);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.body.error.code).toBe('IDEMPOTENT_REQUEST_IN_PROGRESS');
  });

  it('should resolve once and log a call once when each is repeated with its key', async () => {
    const incident = (await post(api, '/v1/incidents', DECLARE)).body;
    for (let i = 0; i < 2; i++) expect((await post(api, `/v1/incidents/${incident.id}/resolve`, {}, 'resolve-1')).status).toBe(200);
    const resolved = await api.db.query(`SELECT count(*)::int AS n FROM incident_events WHERE incident_id = $1 AND status = 'resolved'`, [incident.id]);
    expect(resolved[0].n).toBe(1);

    const open = (await post(api, '/v1/incidents', DECLARE)).body;
    const call = { subscriberId: ids.s1, outcome: 'reached', note: 'apologised' };
    const answers = [await post(api, `/v1/incidents/${open.id}/calls`, call, 'call-1'), await post(api, `/v1/incidents/${open.id}/calls`, call, 'call-1')];
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    const attempts = await api.db.query(`SELECT count(*)::int AS n FROM call_attempts WHERE incident_id = $1`, [open.id]);
    expect(attempts[0].n).toBe(1);
  });
});

describe('declaring while Redis is gone', () => {
  let redis: RedisServer;
  let api: TestApi;
  beforeAll(async () => {
    redis = await RedisServer.start();
    api = await TestApi.start({ REDIS_URL: redis.url, QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}` });
    await seedTopology(api);
  });
  afterAll(async () => {
    redis.signal('SIGCONT');
    await api?.stop();
    await redis?.kill();
  });

  async function expectDeclaredUnplanned() {
    const res = await post(api, '/v1/incidents', DECLARE, `declare-${randomBytes(4).toString('hex')}`);
    expect(res.status).toBe(201);
    // Committed, and left for the dispatcher, which re-derives unplanned versions from PostgreSQL.
    const [row] = await api.db.query(`SELECT version, planned_version FROM incidents WHERE id = $1`, [res.body.id]);
    expect(row.planned_version).toBeLessThan(row.version);
  }

  it('should answer a declare when Redis hangs', async () => {
    redis.signal('SIGSTOP');
    try {
      await expectDeclaredUnplanned();
    } finally {
      redis.signal('SIGCONT');
    }
  });

  it('should answer a declare when Redis has been killed', async () => {
    await redis.kill();
    await expectDeclaredUnplanned();
  });
});
