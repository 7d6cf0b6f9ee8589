import { readFileSync } from 'fs';
import { join } from 'path';
import { ADMIN_KEY, Reply, TestApi } from '../support/api';
import { newArea, newSubscriber } from '../support/factories';
import { accessOf, accessTable, ROUTE_ACCESS, RouteAccess } from '../support/route-access';
import { expectCreated } from '../support/topology';

type Who = 'no key' | 'noc' | 'manager-own' | 'manager-other' | 'admin';
const EVERYONE: Who[] = ['no key', 'noc', 'manager-own', 'manager-other', 'admin'];

/** Every route the running app serves, from the Express router (Nest's and Swagger's alike). */
function servedRoutes(api: TestApi): string[] {
  const router = (api.app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router;
  return router.stack.flatMap((layer) =>
    layer.route ? Object.keys(layer.route.methods).map((m) => `${m === '_all' ? 'GET' : m.toUpperCase()} ${layer.route!.path}`) : [],
  );
}

/** What a caller should get: through (anything but 401 / 403 / 5xx), refused for its role, refused as not its incident, or 401. */
function expected(route: RouteAccess, who: Who): 'through' | 'role' | 'not-own' | 'unauthenticated' {
  if (route.roles === 'public') return 'through';
  if (who === 'no key') return 'unauthenticated';
  if (who === 'admin') return 'through';
  const role = who === 'noc' ? 'noc' : 'manager';
  if (!route.roles.includes(role)) return 'role';
  return who === 'manager-other' && route.own ? 'not-own' : 'through';
}

function outcome(res: Reply): string {
  const e = res.body?.error;
  if (res.status === 401 && e?.code === 'UNAUTHENTICATED') return 'unauthenticated';
  if (res.status === 403 && e?.code === 'FORBIDDEN') return /needs one of the roles/.test(e.message) ? 'role' : 'not-own';
  return res.status === 401 || res.status === 403 || res.status >= 500 ? `status ${res.status}` : 'through';
}

describe('access: every route, every kind of caller', () => {
  let api: TestApi;
  let keys: Record<Who, string | null>;
  let incidentId: number;
  let ownManagerId: number;

  beforeAll(async () => {
    api = await TestApi.start();
    const [mine, theirs] = [newArea(), newArea()];
    await expectCreated(api, '/v1/areas', mine);
    await expectCreated(api, '/v1/areas', theirs);
    const subscriber = await expectCreated(api, '/v1/subscribers', newSubscriber({ areaCode: mine.code, phone: '+79130000777', email: 'private@example.ru' }));
    const manager = (name: string, area: string, n: number) =>
      expectCreated(api, '/v1/outage-managers', { name, phone: `+7383200010${n}`, email: `m${n}@operator.example`, areaCodes: [area] });
    const own = await manager('Ирина', mine.code, 1);
    const other = await manager('Олег', theirs.code, 2);
    ownManagerId = own.id;
    const incident = await expectCreated(api, '/v1/incidents', { title: 'Fibre cut', kind: 'outage', scope: { areaCodes: [mine.code] } });
    incidentId = incident.id;
    expect(incident.manager.id).toBe(own.id);
    // One message as the worker would have recorded it: the walk must not depend on delivery.
    await api.db.query(
      `INSERT INTO messages (thread_id, incident_id, subscriber_id, channel, kind, incident_version, dedupe_key, recipient, body, state)
       VALUES (1, $1, $2, 'sms', 'notice', 1, 'access-test', '+79130000777', 'Fibre cut. Unsubscribe: https://x/u?token=secret', 'accepted')`,
      [incidentId, subscriber.id],
    );
    keys = {
      'no key': null,
      admin: ADMIN_KEY,
      noc: await api.keyFor('noc'),
      'manager-own': (await expectCreated(api, '/v1/api-keys', { name: 'irina', role: 'manager', managerId: own.id })).key,
      'manager-other': (await expectCreated(api, '/v1/api-keys', { name: 'oleg', role: 'manager', managerId: other.id })).key,
    };
  });
  afterAll(() => api.stop());

  it('should list every route the app serves, and serve every route it lists', () => {
    const served = servedRoutes(api);
    // A new route needs its line in test/support/route-access.ts.
    expect(served.filter((r) => !accessOf(...(r.split(' ') as [string, string])))).toEqual([]);
    expect(ROUTE_ACCESS.map((r) => `${r.method} ${r.path}`).filter((r) => !served.includes(r))).toEqual([]);
  });

  it('should have the README\'s Security table as test/support/route-access.ts renders it', () => {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(accessTable());
  });

  it('should give each caller exactly what the table says on every route', async () => {
    const failures: string[] = [];
    for (const route of ROUTE_ACCESS) {
      const url = (route.sample ?? (route.own ? route.path.replace(':id', '{incident}') : route.path))
        .replace('{incident}', String(incidentId))
        .replace('{manager}', String(ownManagerId))
        .replace(/:(\w+)/g, (_m, name: string) => (/id$/i.test(name) ? '999999' : 'NO-SUCH-CODE'));
      for (const who of EVERYONE) {
        // Bodies are empty: a write that gets through fails its validation and changes nothing.
        const res = await api.request(route.method, url, { key: keys[who], body: route.method === 'GET' ? undefined : {} });
        const want = expected(route, who);
        const got = outcome(res);
        if (got !== want) failures.push(`${who} ${route.method} ${url} → ${res.status} ${res.body?.error?.code ?? ''}: ${got}, expected ${want}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('should show an incident\'s messages to its own manager and not a phone or body of them to another manager', async () => {
    const own = await api.get(`/v1/incidents/${incidentId}/messages`, keys['manager-own']);
    expect(own.status).toBe(200);
    expect(own.body.items).toMatchObject([{ recipient: '+79130000777' }]);
    for (const path of [`/v1/incidents/${incidentId}/messages`, `/v1/incidents/${incidentId}/call-list`, `/v1/feedback?incidentId=${incidentId}`]) {
      const other = await api.get(path, keys['manager-other']);
      expect({ path, status: other.status, message: other.body.error.message }).toEqual({
        path, status: 403, message: `incident ${incidentId} is not assigned to this manager`,
      });
      expect(JSON.stringify(other.body)).not.toMatch(/79130000777|token=secret|private@/);
    }
    expect((await api.get('/v1/incidents/999999/messages', keys.noc)).status).toBe(404);
  });
});
