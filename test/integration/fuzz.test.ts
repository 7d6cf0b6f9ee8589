import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomBytes } from 'crypto';
import fc from 'fast-check';
import { TestApi } from '../support/api';
import { expectCreated, seedTopology } from '../support/topology';

/**
 * Hostile input on every JSON body (POST, PATCH, PUT) and every declared query string of the
 * API, the routes read from the OpenAPI document the app builds (a new route is fuzzed without
 * being listed here). Values start from each schema and are broken: wrong types, huge strings and
 * numbers, NUL and control characters, deep nesting, impossible, far-past and far-future dates,
 * `__proto__` / `constructor` keys, arrays for objects. Every answer is below 500, and after every
 * 4xx the database is as it was. FUZZ_RUNS (default 30) cases per route and kind; FUZZ_SEED
 * replays a run (its seed is printed).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
  example?: unknown;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}
interface Operation {
  method: string;
  path: string;
  body?: Schema;
  query: Array<{ name: string; schema?: Schema }>;
  /** Header parameters the route declares (Idempotency-Key). */
  headers: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3600_000;
const YEAR = 365 * 24 * HOUR;
const DATES = [
  '2025-02-30T10:00:00Z', '2025-13-01T00:00:00Z', '2025-06-31T24:00:00+03:00', '2025-06-01T25:61:61+25:00', '0000-00-00T00:00:00Z',
  '0001-01-01T00:00:00Z', '1900-01-01T00:00:00+03:00', '1970-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z', '+999999-01-01T00:00:00Z', iso(Date.now() - 1000 * YEAR), iso(Date.now() + 1000 * YEAR), '2025-06-01',
  '2025-06-01T10:00:00', 'tomorrow', '24:00', '99:99', '23:59:60', '-01:00',
];
const STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\u0001\u001f\u007f', '\r\n\t', '\u202e', '\ud800', '\udc00x', '\ufeff', '🙂'.repeat(300),
  'x'.repeat(100_000), "' OR 1=1 --", '%00', '../../etc/passwd', '<script>alert(1)</script>', 'NaN', 'Infinity', '-1', '0', '1e309',
  '__proto__', 'constructor', 'null', 'true', '[]', '{}', '+7 (913) 000-00-01', 'a@b', 'Europe/Nowhere',
];
const NUMBERS = [0, -0, -1, 1.5, 1e308, -1e308, 2 ** 31, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e-320, 999_999_999_999];

/** Values that pass validation, by field name, so that cases reach past it. */
const PLAUSIBLE: Array<[RegExp, unknown[]]> = [
  [/phone/i, ['+79130000099', '+7 913 000-00-98', '89130000097']],
  [/email/i, ['fuzz@example.ru', 'иван@пример.рф']],
  [/timezone/i, ['Europe/Moscow', 'Asia/Novosibirsk', 'UTC']],
  [/^(start|end)$/, ['21:00', '09:00', '00:00']],
  [/locale/i, ['ru', 'en']],
  [/tier/i, ['residential', 'business', 'vip']],
  [/role/i, ['noc', 'manager', 'admin']],
  [/outcome/i, ['reached', 'no_answer']],
  [/kind/i, ['outage', 'degradation', 'maintenance', 'olt']],
  [/externalId/i, ['F-1', 'F-2', 'C-001']],
];

/** A value of any type, mostly broken. */
const hostile: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...STRINGS, ...DATES) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.constantFrom(...NUMBERS) },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3, depthIdentifier: 'hostile' }) },
    { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('a', '__proto__', 'constructor', 'prototype', 'toString', '\u0000'), tie('value'), { maxKeys: 2, depthIdentifier: 'hostile' }) },
  ),
})).value;

/** `{"a":{"a":…}}` or `[[…]]`, `depth` deep, as JSON text. */
const deep = fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.boolean()).map(([depth, arrays]) =>
  arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + 'null' + '}'.repeat(depth),
);

/** Tried on every route first, whatever the seed: cases that once were 500s. */
const ALWAYS = [
  '['.repeat(20_000) + ']'.repeat(20_000), // the idempotency fingerprint's JSON.stringify overflowed the stack
  String.raw`{"title":"a\u0000b","reason":"\u0000","name":"\u0000"}`, // a NUL in any field failed the insert
  '{"subscriberId":{"toString":-30},"incidentId":{"valueOf":1},"managerId":{"toString":null}}', // the audit log's Number(id) threw
];

/** A body's JSON text, shown shortened where fast-check prints a counterexample (FUZZ_SEED replays it whole). */
class JsonText {
  constructor(readonly text: string) {}

  [fc.toStringMethod](): string {
    return this.text.length <= 400 ? this.text : `${this.text.slice(0, 200)}…(${this.text.length} characters)…${this.text.slice(-100)}`;
  }
}

describe('fuzzing every body and query string of the API', () => {
  let api: TestApi;
  let operations: Operation[];
  let schemas: Record<string, Schema>;
  const ids: Record<string, string> = {};
  let requests = 0;
  const statuses = new Map<number, number>();
  const byOperation = new Map<string, Set<number>>();

  beforeAll(async () => {
    // Limits would turn later cases into 429s: rate-limits.test is theirs.
    api = await TestApi.start({ RATE_LIMIT_API_REQUESTS: '0', RATE_LIMIT_UNKNOWN_CODES: '0' });
    await seedTopology(api);
    const manager = await expectCreated(api, '/v1/outage-managers', { name: 'Fuzz Manager', phone: '+73832000111', email: 'm@operator.example', areaCodes: ['RU'] });
    const incident = await expectCreated(api, '/v1/incidents', { title: 'Fuzzed', kind: 'outage', scope: { areaCodes: ['RU'] } });
    const [subscriber] = await api.db.query(`SELECT id FROM subscribers ORDER BY id LIMIT 1`);
    const key = await expectCreated(api, '/v1/api-keys', { name: 'fuzz', role: 'noc' });
    Object.assign(ids, {
      'incidents:id': String(incident.id), 'incidents:code': incident.code, 'status:code': incident.code, 'subscribers:id': String(subscriber.id),
      'outage-managers:id': String(manager.id), 'api-keys:id': String(key.id), 'areas:code': 'RU', 'network-elements:code': 'OLT-1',
    });

    const doc = SwaggerModule.createDocument(api.app, new DocumentBuilder().build());
    schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
    operations = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of ['get', 'post', 'patch', 'put', 'delete'] as const) {
        const op = item[method];
        if (!op) continue;
        const body = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.['application/json']?.schema;
        const parameters = (op.parameters ?? []) as Array<{ in: string; name: string; schema?: Schema }>;
        const query = parameters.filter((p) => p.in === 'query');
        const headers = parameters.filter((p) => p.in === 'header').map((p) => p.name);
        const json = ['post', 'patch', 'put'].includes(method) && !(op.requestBody && !body);
        if (json || query.length > 0) operations.push({ method: method.toUpperCase(), path, body: json ? body ?? { type: 'object' } : undefined, query, headers });
      }
    }
    process.stdout.write(`fuzz: seed ${SEED} (FUZZ_SEED=${SEED} replays it), ${RUNS} runs per route and kind, ${operations.length} operations\n`);
  }, 120_000);

  afterAll(async () => {
    process.stdout.write(`fuzz: ${requests} requests, answers ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);
    if (process.env.FUZZ_VERBOSE) for (const [op, seen] of byOperation) process.stdout.write(`  ${op}: ${[...seen].sort().join(' ')}\n`);
    await api?.stop();
  });

  const resolve = (s: Schema | undefined): Schema => {
    if (!s) return {};
    if (s.$ref) return resolve(schemas[s.$ref.split('/').pop()!]);
    const parts = s.allOf ?? s.oneOf ?? s.anyOf;
    return parts ? { ...s, ...resolve(parts[0]) } : s;
  };

  /** A value that fits the schema (or nearly: ids and codes of what exists, dates near now). */
  const plausible = (raw: Schema | undefined, name = ''): fc.Arbitrary<unknown> => {
    const s = resolve(raw);
    if (s.enum?.length) return fc.constantFrom(...s.enum);
    if (s.type === 'array') return fc.array(plausible(s.items, name), { maxLength: 3 });
    if (s.type === 'boolean') return fc.boolean();
    if (s.type === 'integer' || s.type === 'number' || /Id$/.test(name)) return fc.integer({ min: 1, max: 5 });
    if (s.type === 'object' || s.properties) return fittingObject(s);
    if (/At$|etr|date|time/i.test(name)) return fc.integer({ min: -6, max: 48 }).map((h) => iso(Date.now() + h * HOUR));
    if (/codes?$/i.test(name)) return fc.constantFrom('RU', 'CITY-A1', 'DIST-A1a', 'OLT-1', 'NOPE');
    const known = PLAUSIBLE.find(([pattern]) => pattern.test(name));
    if (known) return fc.constantFrom(...known[1]);
    if (typeof s.example === 'string') return fc.oneof(fc.constant(s.example), fc.string({ minLength: 1, maxLength: 12 }));
    return fc.string({ minLength: 1, maxLength: 12 });
  };

  const fittingObject = (s: Schema): fc.Arbitrary<Record<string, unknown>> => {
    const props = Object.entries(s.properties ?? {});
    if (props.length === 0) return fc.dictionary(fc.string({ maxLength: 5 }), hostile, { maxKeys: 3 });
    return fc.record(Object.fromEntries(props.map(([k, v]) => [k, broken(v, k)])), { requiredKeys: s.required?.filter((k) => s.properties?.[k]) ?? [] });
  };

  /** Mostly the schema's own shape with some fields broken, sometimes anything at all. */
  const broken = (raw: Schema | undefined, name = ''): fc.Arbitrary<unknown> =>
    fc.oneof({ weight: 5, arbitrary: plausible(raw, name) }, { weight: 1, arbitrary: hostile });

  /** The JSON text of a body. */
  const bodyText = (schema: Schema): fc.Arbitrary<JsonText> =>
    fc.oneof(
      { weight: 2, arbitrary: plausible(schema).map((v) => JSON.stringify(v)) },
      { weight: 6, arbitrary: broken(schema).map((v) => JSON.stringify(v) ?? 'null') },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: deep },
      {
        weight: 2,
        arbitrary: fc.tuple(fittingObject(resolve(schema)), fc.constantFrom('__proto__', 'constructor', 'prototype'), hostile).map(([o, key, v]) => {
          const rest = JSON.stringify(o).slice(1);
          return `{${JSON.stringify(key)}:${JSON.stringify({ admin: true, role: 'admin', polluted: v })}${rest === '}' ? '' : ','}${rest}`;
        }),
      },
    ).map((text) => new JsonText(text));

  const queryText = (params: Operation['query']): fc.Arbitrary<string> => {
    const pair = fc.oneof(...params.map((p) =>
      fc.tuple(fc.constant(p.name), fc.oneof(
        { weight: 3, arbitrary: plausible(p.schema, p.name).map(String) },
        { weight: 1, arbitrary: hostile.map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')) },
      ))));
    const extra = fc.oneof(
      { weight: 4, arbitrary: fc.constant('') },
      { weight: 1, arbitrary: fc.constantFrom('&%ZZ=1', '&a[__proto__][admin]=1', '&__proto__=1', `&${params[0].name}=%00`, `&${params[0].name}[x]=1`, `&${params[0].name}=1&${params[0].name}=2`) },
    );
    return fc.tuple(fc.array(pair, { minLength: 1, maxLength: 4 }), extra).map(([pairs, more]) => new URLSearchParams(pairs).toString() + more);
  };

  const pathOf = (op: Operation) =>
    op.path.replace(/\{(\w+)\}/g, (_m, name: string, offset: number) => {
      const segment = op.path.slice(0, offset).split('/').filter(Boolean).pop();
      return encodeURIComponent(ids[`${segment}:${name}`] ?? '1');
    });

  /** Row counts and the newest row version of every table: any write changes it. */
  async function fingerprint(): Promise<string> {
    const tables: Array<{ name: string }> = await api.db.query(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('migrations', 'typeorm_metadata') AND tablename NOT LIKE 'audit%' ORDER BY 1`,
    );
    // api_keys.last_used_at moves on every authenticated request: its count is enough there.
    const parts = tables.map(({ name }) =>
      `SELECT '${name}' AS t, count(*)::text AS n, ${name === 'api_keys' ? "''" : 'coalesce(max(xmin::text::bigint), 0)::text'} AS v FROM "${name}"`,
    );
    const rows: Array<{ t: string; n: string; v: string }> = await api.db.query(parts.join(' UNION ALL '));
    return rows.map((r) => `${r.t}:${r.n}:${r.v}`).sort().join(' ');
  }

  /** Values for the declared headers: sometimes none, a short or a huge one, a repeated one. */
  const headerValues = (op: Operation): fc.Arbitrary<Record<string, string>> =>
    fc.record(Object.fromEntries(op.headers.map((h) => [h, fc.oneof(
      fc.constantFrom('fuzz-1', 'fuzz-2', ' ', 'x'.repeat(5000), '../', 'null'),
      fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 }),
    )])), { requiredKeys: [] }).map((h) => h as Record<string, string>);

  let changedBy2xx = 0;

  async function send(op: Operation, query: string, body?: string, extraHeaders: Record<string, string> = {}): Promise<void> {
    const before = await fingerprint();
    const url = `${api.baseUrl}${pathOf(op)}${query ? `?${query}` : ''}`;
    const headers: Record<string, string> = { ...extraHeaders, authorization: 'Bearer test-admin-key-0123456789abcdef' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method: op.method, headers, body });
    const text = await res.text();
    requests++;
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const key = `${op.method} ${op.path}`;
    byOperation.set(key, (byOperation.get(key) ?? new Set()).add(res.status));
    const what = `${op.method} ${url.slice(0, 300)} ${JSON.stringify(extraHeaders).slice(0, 200)} ${body === undefined ? '' : body.slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
    if (res.status >= 500) throw new Error(`server error: ${what}`);
    if (res.status < 300 && op.method !== 'GET' && (await fingerprint()) !== before) changedBy2xx++;
    if (res.status >= 400) {
      if (/json/.test(res.headers.get('content-type') ?? '') && typeof JSON.parse(text)?.error?.code !== 'string') throw new Error(`4xx without an error code: ${what}`);
      const after = await fingerprint();
      if (after !== before) throw new Error(`the database changed on a ${res.status}: ${what}\nbefore ${before}\nafter  ${after}`);
    }
  }

  it('should answer every hostile body below 500, changing nothing when it refuses', async () => {
    const bodies = operations.filter((op) => op.body);
    expect(bodies.length).toBeGreaterThan(15);
    for (const op of bodies) {
      await fc.assert(fc.asyncProperty(bodyText(op.body!), headerValues(op), (body, headers) => send(op, '', body.text, headers)), {
        seed: SEED, numRuns: RUNS, endOnFailure: true, examples: ALWAYS.map((text): [JsonText, Record<string, string>] => [new JsonText(text), { 'Idempotency-Key': `fuzz-${randomBytes(4).toString('hex')}` }]),
      });
    }
    // The fingerprint sees writes (so "unchanged" above means something).
    expect(changedBy2xx).toBeGreaterThan(0);
  }, 900_000);

  it('should leave Object.prototype as it was after __proto__ and constructor keys (the app runs in this process)', () => {
    const probe = {} as Record<string, unknown>;
    expect([probe.admin, probe.role, probe.polluted, probe.x]).toEqual([undefined, undefined, undefined, undefined]);
    expect(Object.keys(Object.prototype)).toEqual([]);
  });

  it('should answer every hostile query string below 500, changing nothing when it refuses', async () => {
    const queries = operations.filter((op) => op.query.length > 0);
    expect(queries.length).toBeGreaterThan(3);
    for (const op of queries) {
      await fc.assert(fc.asyncProperty(queryText(op.query), (query) => send(op, query, op.body ? '{}' : undefined)), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    }
  }, 900_000);
});
