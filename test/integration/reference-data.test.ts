import { APP_CONFIG, AppConfig } from '../../src/config/app-config';
import { Reply, TestApi } from '../support/api';
import { newArea, newElement, newSubscriber } from '../support/factories';

/**
 * Issue 2, item 5: every validation path is a 4xx naming the field, and changes nothing.
 * Each refusal below is checked against a digest of every reference-data table taken before
 * and after the request.
 */
describe('reference data', () => {
  let api: TestApi;
  beforeAll(async () => (api = await TestApi.start()));
  afterAll(() => api.stop());

  const TABLES = {
    areas: 'id',
    network_elements: 'id',
    subscribers: 'id',
    outage_managers: 'id',
    outage_manager_areas: 'manager_id, area_id',
  };

  /** Row counts and a digest of every row: any insert, update or delete changes it. */
  async function snapshot(): Promise<Record<string, { rows: number; digest: string | null }>> {
    const out: Record<string, { rows: number; digest: string | null }> = {};
    for (const [table, order] of Object.entries(TABLES)) {
      const [r] = await api.db.query(`SELECT count(*)::int AS rows, md5(string_agg(t::text, '|' ORDER BY ${order})) AS digest FROM ${table} t`);
      out[table] = r;
    }
    return out;
  }

  /** Sends a request that must be refused with this status and code, naming `field`, and change nothing. */
  async function expectRefused(
    send: () => Promise<Reply>,
    expected: { status: number; code: string; field?: string; message?: string | RegExp },
  ): Promise<Reply> {
    const before = await snapshot();
    const res = await send();
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status: expected.status, code: expected.code });
    expect(typeof res.body.error.message).toBe('string');
    if (expected.field) expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(expected.field);
    if (expected.message) expect(res.body.error.message).toMatch(expected.message);
    expect(await snapshot()).toEqual(before);
    return res;
  }

  const createArea = async (over: Record<string, unknown> = {}) => {
    const area = newArea(over);
    const res = await api.post('/v1/areas', area);
    expect(res.status).toBe(201);
    return res.body;
  };
  const createElement = async (over: Record<string, unknown> = {}) => {
    const res = await api.post('/v1/network-elements', newElement(over));
    expect(res.status).toBe(201);
    return res.body;
  };

  describe('areas', () => {
    it('should create, read and patch an area when the input is valid', async () => {
      const parent = await createArea({ timezone: 'Asia/Novosibirsk' });
      const created = await api.post('/v1/areas', { code: 'NSK-C-1', name: 'Centralny', parentCode: parent.code });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number),
        code: 'NSK-C-1',
        name: 'Centralny',
        parentCode: parent.code,
        timezone: null,
        effectiveTimezone: 'Asia/Novosibirsk',
        ancestors: [parent.code],
      });

      expect((await api.get('/v1/areas/NSK-C-1')).body).toEqual(created.body);

      const patched = await api.patch('/v1/areas/NSK-C-1', { name: 'Centralny district', timezone: 'Asia/Omsk' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'Centralny district', timezone: 'Asia/Omsk', effectiveTimezone: 'Asia/Omsk' });
      expect((await api.get('/v1/areas/NSK-C-1')).body).toEqual(patched.body);
    });

    it('should make an area a root when parentCode is patched to null', async () => {
      const parent = await createArea();
      const child = await createArea({ parentCode: parent.code });
      const res = await api.patch(`/v1/areas/${child.code}`, { parentCode: null });
      expect(res.body).toMatchObject({ parentCode: null, ancestors: [] });
    });

    it('should accept EST5EDT when it is given as a time zone (a tzdb zone, unlike an offset)', async () => {
      const res = await api.post('/v1/areas', newArea({ timezone: 'EST5EDT' }));
      expect(res.status).toBe(201);
      expect(res.body.effectiveTimezone).toBe('EST5EDT');
    });

    it.each([
      ['code is missing', { code: undefined }, 'code'],
      ['code has spaces', { code: 'A B' }, 'code'],
      ['name is missing', { name: undefined }, 'name'],
      ['name is blank', { name: '   ' }, 'name'],
      ['name is not a string', { name: 42 }, 'name'],
      ['timezone is unknown', { timezone: 'Mars/Base' }, 'timezone'],
      ['timezone is an offset', { timezone: '+03:00' }, 'timezone'],
      ['parentCode is malformed', { parentCode: 'a b' }, 'parentCode'],
      ['a field is unknown', { colour: 'red' }, 'colour'],
    ])('should refuse an area with 422 naming the field when %s', async (_case, over, field) => {
      await expectRefused(() => api.post('/v1/areas', newArea(over)), { status: 422, code: 'VALIDATION_FAILED', field });
    });

    it('should refuse an unknown parent with 422 naming parentCode and the code', async () => {
      await expectRefused(() => api.post('/v1/areas', newArea({ parentCode: 'NO-SUCH-AREA' })), {
        status: 422,
        code: 'UNKNOWN_REFERENCE',
        field: 'parentCode',
        message: /NO-SUCH-AREA/,
      });
    });

    it('should refuse a duplicate code with 409', async () => {
      const area = await createArea();
      await expectRefused(() => api.post('/v1/areas', { code: area.code, name: 'again' }), { status: 409, code: 'AREA_EXISTS' });
    });

    it('should answer 404 when the area does not exist', async () => {
      const get = await api.get('/v1/areas/NO-SUCH-AREA');
      expect([get.status, get.body.error.code]).toEqual([404, 'AREA_NOT_FOUND']);
      await expectRefused(() => api.patch('/v1/areas/NO-SUCH-AREA', { name: 'x' }), { status: 404, code: 'AREA_NOT_FOUND' });
    });

    it.each([
      ['timezone is unknown', { timezone: 'Mars/Base' }, 'timezone', 'VALIDATION_FAILED'],
      ['parentCode is unknown', { parentCode: 'NO-SUCH-AREA' }, 'parentCode', 'UNKNOWN_REFERENCE'],
      ['code is patched', { code: 'NEW-CODE' }, 'code', 'VALIDATION_FAILED'],
      ['name is too long', { name: 'x'.repeat(201) }, 'name', 'VALIDATION_FAILED'],
      ['name is cleared with null', { name: null }, 'name', 'VALIDATION_FAILED'],
      ['name is cleared with ""', { name: '' }, 'name', 'VALIDATION_FAILED'],
    ])('should refuse a patch with 422 and change nothing when %s', async (_case, body, field, code) => {
      const area = await createArea({ timezone: 'Asia/Tomsk' });
      await expectRefused(() => api.patch(`/v1/areas/${area.code}`, body), { status: 422, code, field });
    });
  });

  describe('network elements', () => {
    it('should create, read and patch an element when the input is valid', async () => {
      const area = await createArea();
      const parent = await createElement({ kind: 'aggregation' });
      const created = await api.post('/v1/network-elements', {
        code: 'OLT-NSK-017',
        name: 'OLT Lenina 17',
        kind: 'olt',
        parentCode: parent.code,
        areaCode: area.code,
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number),
        code: 'OLT-NSK-017',
        name: 'OLT Lenina 17',
        kind: 'olt',
        parentCode: parent.code,
        areaCode: area.code,
        ancestors: [parent.code],
      });
      expect((await api.get('/v1/network-elements/OLT-NSK-017')).body).toEqual(created.body);

      const patched = await api.patch('/v1/network-elements/OLT-NSK-017', { name: 'OLT Lenina 17a', areaCode: null });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'OLT Lenina 17a', areaCode: null, parentCode: parent.code });
    });

    it.each([
      ['kind is missing', { kind: undefined }, 'kind'],
      ['code is missing', { code: undefined }, 'code'],
      ['name is missing', { name: '' }, 'name'],
      ['a field is unknown', { vendor: 'Huawei' }, 'vendor'],
      ['areaCode is not a string', { areaCode: 7 }, 'areaCode'],
    ])('should refuse an element with 422 naming the field when %s', async (_case, over, field) => {
      await expectRefused(() => api.post('/v1/network-elements', newElement(over)), { status: 422, code: 'VALIDATION_FAILED', field });
    });

    it('should name both unknown codes when the parent and the area do not exist', async () => {
      const res = await expectRefused(
        () => api.post('/v1/network-elements', newElement({ parentCode: 'NO-SUCH-NE', areaCode: 'NO-SUCH-AREA' })),
        { status: 422, code: 'UNKNOWN_REFERENCE', field: 'parentCode', message: /NO-SUCH-NE/ },
      );
      expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['parentCode', 'areaCode']);
      expect(res.body.error.message).toMatch(/NO-SUCH-AREA/);
    });

    it('should refuse a duplicate code with 409', async () => {
      const element = await createElement();
      await expectRefused(() => api.post('/v1/network-elements', newElement({ code: element.code })), {
        status: 409,
        code: 'NETWORK_ELEMENT_EXISTS',
      });
    });

    it('should answer 404 when the element does not exist', async () => {
      const get = await api.get('/v1/network-elements/NO-SUCH-NE');
      expect([get.status, get.body.error.code]).toEqual([404, 'NETWORK_ELEMENT_NOT_FOUND']);
      await expectRefused(() => api.patch('/v1/network-elements/NO-SUCH-NE', { name: 'x' }), {
        status: 404,
        code: 'NETWORK_ELEMENT_NOT_FOUND',
      });
    });

    it.each([
      ['kind is cleared', { kind: null }, 'kind', 'VALIDATION_FAILED'],
      ['name is blank', { name: '  ' }, 'name', 'VALIDATION_FAILED'],
      ['parentCode is unknown', { parentCode: 'NO-SUCH-NE' }, 'parentCode', 'UNKNOWN_REFERENCE'],
      ['areaCode is unknown', { areaCode: 'NO-SUCH-AREA' }, 'areaCode', 'UNKNOWN_REFERENCE'],
      ['a field is unknown', { vendor: 'x' }, 'vendor', 'VALIDATION_FAILED'],
    ])('should refuse an element patch with 422 and change nothing when %s', async (_case, body, field, code) => {
      const element = await createElement({ areaCode: (await createArea()).code });
      await expectRefused(() => api.patch(`/v1/network-elements/${element.code}`, body), { status: 422, code, field });
    });

    it('should refuse a patch that would create a cycle and change nothing', async () => {
      const core = await createElement({ kind: 'core' });
      const agg = await createElement({ kind: 'aggregation', parentCode: core.code });
      const olt = await createElement({ parentCode: agg.code });

      await expectRefused(() => api.patch(`/v1/network-elements/${core.code}`, { parentCode: olt.code }), {
        status: 409,
        code: 'HIERARCHY_CYCLE',
        field: 'parentCode',
      });
      await expectRefused(() => api.patch(`/v1/network-elements/${agg.code}`, { parentCode: agg.code }), {
        status: 409,
        code: 'HIERARCHY_CYCLE',
        field: 'parentCode',
      });
      expect((await api.get(`/v1/network-elements/${olt.code}`)).body.ancestors).toEqual([core.code, agg.code]);
    });

    it('should move the whole subtree when an element gets a new parent', async () => {
      const coreA = await createElement({ kind: 'core' });
      const coreB = await createElement({ kind: 'core' });
      const agg = await createElement({ kind: 'aggregation', parentCode: coreA.code });
      const olt = await createElement({ parentCode: agg.code });
      const onu = await createElement({ kind: 'onu', parentCode: olt.code });

      const res = await api.patch(`/v1/network-elements/${agg.code}`, { parentCode: coreB.code });
      expect(res.status).toBe(200);
      expect((await api.get(`/v1/network-elements/${olt.code}`)).body.ancestors).toEqual([coreB.code, agg.code]);
      expect((await api.get(`/v1/network-elements/${onu.code}`)).body.ancestors).toEqual([coreB.code, agg.code, olt.code]);

      // "Everything under coreB" is one ltree query and now holds the moved subtree.
      const under: Array<{ code: string }> = await api.db.query(
        `SELECT e.code FROM network_elements e, network_elements r WHERE r.code = $1 AND e.path <@ r.path ORDER BY nlevel(e.path)`,
        [coreB.code],
      );
      expect(under.map((r) => r.code)).toEqual([coreB.code, agg.code, olt.code, onu.code]);
    });
  });

  describe('subscribers', () => {
    let area: { code: string };
    let element: { code: string };
    beforeAll(async () => {
      area = await createArea({ timezone: 'Asia/Novosibirsk' });
      element = await createElement({ areaCode: area.code });
    });
    const sub = (over: Record<string, unknown> = {}) => newSubscriber({ areaCode: area.code, ...over });
    const createSubscriber = async (over: Record<string, unknown> = {}) => {
      const res = await api.post('/v1/subscribers', sub(over));
      expect(res.status).toBe(201);
      return res.body;
    };

    it('should create, read and patch a subscriber, storing the phone as E.164', async () => {
      const created = await api.post('/v1/subscribers', {
        externalId: 'CRM-000123',
        name: 'Анна Петрова',
        phone: '8 913 123-45-67',
        email: 'Anna.Petrova@Example.RU',
        locale: 'en',
        quietHours: { start: '22:00', end: '08:00' },
        tier: 'vip',
        flags: ['sensitive'],
        areaCode: area.code,
        accessElementCode: element.code,
        channels: { sms: true, email: false },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: expect.any(Number),
        externalId: 'CRM-000123',
        name: 'Анна Петрова',
        phone: '+79131234567',
        email: 'anna.petrova@example.ru',
        locale: 'en',
        timezone: null,
        effectiveTimezone: 'Asia/Novosibirsk',
        quietHours: { start: '22:00', end: '08:00' },
        tier: 'vip',
        flags: ['sensitive'],
        areaCode: area.code,
        accessElementCode: element.code,
        channels: { sms: true, email: false },
        smsOptedOutAt: null,
      });
      const [row] = await api.db.query(`SELECT phone, quiet_start, quiet_end FROM subscribers WHERE id = $1`, [created.body.id]);
      expect(row).toEqual({ phone: '+79131234567', quiet_start: 22 * 60, quiet_end: 8 * 60 });

      const id = created.body.id;
      expect((await api.get(`/v1/subscribers/${id}`)).body).toEqual(created.body);

      const patched = await api.patch(`/v1/subscribers/${id}`, {
        phone: '+7 (913) 765-43-21',
        tier: 'business',
        quietHours: null,
        accessElementCode: null,
        channels: { email: true },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        phone: '+79137654321',
        email: 'anna.petrova@example.ru',
        tier: 'business',
        quietHours: null,
        accessElementCode: null,
        channels: { sms: true, email: true },
      });
      expect((await api.get(`/v1/subscribers/${id}`)).body).toEqual(patched.body);
    });

    it('should apply the defaults when optional fields are left out', async () => {
      const created = await createSubscriber({ email: undefined });
      expect(created).toMatchObject({
        email: null,
        locale: 'ru',
        timezone: null,
        quietHours: null,
        tier: 'residential',
        flags: [],
        accessElementCode: null,
        channels: { sms: true, email: true },
      });
    });

    it.each([
      ['the phone cannot be parsed', { phone: 'call me maybe' }, 'phone'],
      ['the phone is too short', { phone: '12345' }, 'phone'],
      ['the phone is not a number of the region', { phone: '8 000 000-00-00' }, 'phone'],
      ['the phone is not a string', { phone: 79131234567 }, 'phone'],
      ['the email has no domain', { email: 'anna@' }, 'email'],
      ['the email has a space', { email: 'anna petrova@example.ru' }, 'email'],
      ['the time zone is unknown', { timezone: 'Mars/Base' }, 'timezone'],
      ['the time zone is an offset', { timezone: '+03:00' }, 'timezone'],
      ['quiet hours start at 24:00', { quietHours: { start: '24:00', end: '08:00' } }, 'quietHours.start'],
      ['quiet hours end at 7:00', { quietHours: { start: '22:00', end: '7:00' } }, 'quietHours.end'],
      ['quiet hours have no end', { quietHours: { start: '22:00' } }, 'quietHours.end'],
      ['quiet hours are a string', { quietHours: '22:00-08:00' }, 'quietHours'],
      ['the tier is not in the enum', { tier: 'gold' }, 'tier'],
      ['the locale is not supported', { locale: 'de' }, 'locale'],
      ['a flag is malformed', { flags: ['Not A Flag'] }, 'flags'],
      ['a channel consent is not a boolean', { channels: { sms: 'maybe' } }, 'channels.sms'],
      ['there is neither phone nor email', { phone: undefined, email: undefined }, 'phone'],
      ['phone and email are empty', { phone: '', email: '' }, 'phone'],
      ['the externalId is missing', { externalId: undefined }, 'externalId'],
      ['the areaCode is missing', { areaCode: undefined }, 'areaCode'],
      ['a field is unknown', { middleName: 'Ивановна' }, 'middleName'],
      ['a flat import column is used', { quietStart: '22:00' }, 'quietStart'],
    ])('should refuse a subscriber with 422 naming the field when %s', async (_case, over, field) => {
      await expectRefused(() => api.post('/v1/subscribers', sub(over)), { status: 422, code: 'VALIDATION_FAILED', field });
    });

    it('should name the field when there is neither phone nor email', async () => {
      const res = await expectRefused(() => api.post('/v1/subscribers', sub({ phone: undefined, email: undefined })), {
        status: 422,
        code: 'VALIDATION_FAILED',
        field: 'phone',
      });
      expect(res.body.error.message).toMatch(/email/);
    });

    it('should refuse an unknown area with 422 naming areaCode and the code', async () => {
      await expectRefused(() => api.post('/v1/subscribers', sub({ areaCode: 'NO-SUCH-AREA' })), {
        status: 422,
        code: 'UNKNOWN_REFERENCE',
        field: 'areaCode',
        message: /NO-SUCH-AREA/,
      });
    });

    it('should refuse an unknown access element with 422 naming accessElementCode and the code', async () => {
      await expectRefused(() => api.post('/v1/subscribers', sub({ accessElementCode: 'NO-SUCH-NE' })), {
        status: 422,
        code: 'UNKNOWN_REFERENCE',
        field: 'accessElementCode',
        message: /NO-SUCH-NE/,
      });
    });

    it('should refuse a duplicate externalId with 409', async () => {
      const existing = await createSubscriber();
      await expectRefused(() => api.post('/v1/subscribers', sub({ externalId: existing.externalId })), {
        status: 409,
        code: 'SUBSCRIBER_EXISTS',
      });
    });

    it('should refuse a patch that clears both phone and email and change nothing', async () => {
      const s = await createSubscriber();
      await expectRefused(() => api.patch(`/v1/subscribers/${s.id}`, { phone: null, email: null }), {
        status: 422,
        code: 'VALIDATION_FAILED',
        field: 'phone',
      });
    });

    it('should refuse a patch that clears the only channel left', async () => {
      const s = await createSubscriber({ email: undefined });
      await expectRefused(() => api.patch(`/v1/subscribers/${s.id}`, { phone: null }), {
        status: 422,
        code: 'VALIDATION_FAILED',
        field: 'phone',
      });
    });

    it('should clear one channel when the other remains', async () => {
      const s = await createSubscriber();
      const res = await api.patch(`/v1/subscribers/${s.id}`, { phone: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ phone: null, email: s.email });
      const again = await api.patch(`/v1/subscribers/${(await createSubscriber()).id}`, { email: '' });
      expect(again.body).toMatchObject({ email: null, phone: expect.stringMatching(/^\+7/) });
    });

    it.each([
      ['the externalId is changed', { externalId: 'OTHER' }, 'externalId', 'VALIDATION_FAILED'],
      ['the email is invalid', { email: 'nope' }, 'email', 'VALIDATION_FAILED'],
      ['the phone is invalid', { phone: '12' }, 'phone', 'VALIDATION_FAILED'],
      ['quiet hours are malformed', { quietHours: { start: '7:00', end: '09:00' } }, 'quietHours.start', 'VALIDATION_FAILED'],
      ['the tier is not in the enum', { tier: 'platinum' }, 'tier', 'VALIDATION_FAILED'],
      ['a field is unknown', { nickname: 'x' }, 'nickname', 'VALIDATION_FAILED'],
      ['the area is unknown', { areaCode: 'NO-SUCH-AREA' }, 'areaCode', 'UNKNOWN_REFERENCE'],
      ['the access element is unknown', { accessElementCode: 'NO-SUCH-NE' }, 'accessElementCode', 'UNKNOWN_REFERENCE'],
      ['the area is cleared', { areaCode: null }, 'areaCode', 'VALIDATION_FAILED'],
      ['the name is cleared', { name: '' }, 'name', 'VALIDATION_FAILED'],
      ['the tier is cleared', { tier: null }, 'tier', 'VALIDATION_FAILED'],
      ['the channels are cleared', { channels: null }, 'channels', 'VALIDATION_FAILED'],
    ])('should refuse a patch with 422 and change nothing when %s', async (_case, body, field, code) => {
      const s = await createSubscriber({ tier: 'vip', quietHours: { start: '23:00', end: '07:00' } });
      await expectRefused(() => api.patch(`/v1/subscribers/${s.id}`, body), { status: 422, code, field });
    });

    it.each(['abc', '0', '-1', '1.5', '1e3', '9999999999', ' 1'])('should answer 422 naming id when the path id is %p', async (id) => {
      const path = `/v1/subscribers/${encodeURIComponent(id)}`;
      const get = await api.get(path);
      expect({ status: get.status, code: get.body.error.code, details: get.body.error.details }).toEqual({
        status: 422,
        code: 'VALIDATION_FAILED',
        details: [{ field: 'id', message: 'must be a positive integer' }],
      });
      await expectRefused(() => api.patch(path, { name: 'x' }), { status: 422, code: 'VALIDATION_FAILED', field: 'id' });
    });

    it('should answer 404 when the subscriber does not exist', async () => {
      const get = await api.get('/v1/subscribers/999999');
      expect([get.status, get.body.error.code]).toEqual([404, 'SUBSCRIBER_NOT_FOUND']);
      await expectRefused(() => api.patch('/v1/subscribers/999999', { name: 'x' }), { status: 404, code: 'SUBSCRIBER_NOT_FOUND' });
    });

    describe('effectiveTimezone', () => {
      it('should be the subscriber\'s own zone when it has one', async () => {
        const s = await createSubscriber({ timezone: 'Asia/Kamchatka' });
        expect(s).toMatchObject({ timezone: 'Asia/Kamchatka', effectiveTimezone: 'Asia/Kamchatka' });
      });

      it('should be the zone the area inherits when the subscriber has none', async () => {
        const leaf = await createArea({ parentCode: area.code });
        const s = await createSubscriber({ areaCode: leaf.code });
        expect(s).toMatchObject({ timezone: null, effectiveTimezone: 'Asia/Novosibirsk' });

        await api.patch(`/v1/areas/${area.code}`, { timezone: 'Asia/Krasnoyarsk' });
        expect((await api.get(`/v1/subscribers/${s.id}`)).body.effectiveTimezone).toBe('Asia/Krasnoyarsk');
      });

      it('should be DEFAULT_TIMEZONE when neither the subscriber nor any ancestor area has a zone', async () => {
        const bare = await createArea();
        const s = await createSubscriber({ areaCode: bare.code });
        expect(s.effectiveTimezone).toBe(api.app.get<AppConfig>(APP_CONFIG).defaultTimezone);
      });

      it('should fall back to the area\'s zone when the own zone is cleared', async () => {
        const zoned = await createArea({ timezone: 'Asia/Yakutsk' });
        const s = await createSubscriber({ areaCode: zoned.code, timezone: 'Europe/Kaliningrad' });
        const res = await api.patch(`/v1/subscribers/${s.id}`, { timezone: null });
        expect(res.body).toMatchObject({ timezone: null, effectiveTimezone: 'Asia/Yakutsk' });
      });
    });
  });

  describe('outage managers', () => {
    let areas: Array<{ code: string }>;
    beforeAll(async () => {
      areas = [await createArea(), await createArea()];
    });
    const manager = (over: Record<string, unknown> = {}) => ({
      name: 'Ирина Смирнова',
      phone: '+7 383 200-01-01',
      email: 'i.smirnova@operator.example',
      areaCodes: [areas[0].code],
      ...over,
    });

    it('should create, read, list and patch a manager when the input is valid', async () => {
      const created = await api.post('/v1/outage-managers', manager({ phone: '8 (383) 200-01-01' }));
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number),
        name: 'Ирина Смирнова',
        phone: '+73832000101',
        email: 'i.smirnova@operator.example',
        areaCodes: [areas[0].code],
        onDuty: true,
        lastAssignedAt: null,
      });
      const id = created.body.id;
      expect((await api.get(`/v1/outage-managers/${id}`)).body).toEqual(created.body);
      expect((await api.get('/v1/outage-managers')).body).toContainEqual(created.body);

      const patched = await api.patch(`/v1/outage-managers/${id}`, { onDuty: false, areaCodes: areas.map((a) => a.code) });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ onDuty: false, areaCodes: areas.map((a) => a.code).sort() });
      expect((await api.get(`/v1/outage-managers/${id}`)).body).toEqual(patched.body);
    });

    it.each([
      ['the phone is invalid', { phone: '12345' }, 'phone'],
      ['the phone is missing', { phone: undefined }, 'phone'],
      ['the email is invalid', { email: 'irina@' }, 'email'],
      ['the email is missing', { email: undefined }, 'email'],
      ['the name is missing', { name: undefined }, 'name'],
      ['areaCodes is missing', { areaCodes: undefined }, 'areaCodes'],
      ['areaCodes is empty', { areaCodes: [] }, 'areaCodes'],
      ['areaCodes is not a list of codes', { areaCodes: [1, 2] }, 'areaCodes'],
      ['onDuty is not a boolean', { onDuty: 'yes' }, 'onDuty'],
      ['a field is unknown', { team: 'north' }, 'team'],
    ])('should refuse a manager with 422 naming the field when %s', async (_case, over, field) => {
      await expectRefused(() => api.post('/v1/outage-managers', manager(over)), { status: 422, code: 'VALIDATION_FAILED', field });
    });

    it('should refuse unknown areas with 422 naming every unknown code', async () => {
      await expectRefused(
        () => api.post('/v1/outage-managers', manager({ areaCodes: [areas[0].code, 'NO-SUCH-1', 'NO-SUCH-2'] })),
        { status: 422, code: 'UNKNOWN_REFERENCE', field: 'areaCodes', message: /NO-SUCH-1, NO-SUCH-2/ },
      );
    });

    it.each([
      ['areaCodes has an unknown code', { areaCodes: ['NO-SUCH-AREA'] }, 'areaCodes', 'UNKNOWN_REFERENCE'],
      ['the phone is invalid', { phone: 'x' }, 'phone', 'VALIDATION_FAILED'],
      ['areaCodes is empty', { areaCodes: [] }, 'areaCodes', 'VALIDATION_FAILED'],
      ['the phone is cleared', { phone: null }, 'phone', 'VALIDATION_FAILED'],
      ['the name is cleared', { name: '' }, 'name', 'VALIDATION_FAILED'],
      ['onDuty is cleared', { onDuty: null }, 'onDuty', 'VALIDATION_FAILED'],
    ])('should refuse a patch with 422 and change nothing when %s', async (_case, body, field, code) => {
      const m = (await api.post('/v1/outage-managers', manager())).body;
      await expectRefused(() => api.patch(`/v1/outage-managers/${m.id}`, body), { status: 422, code, field });
    });

    it('should answer 404 when the manager does not exist and 422 naming id when the id is malformed', async () => {
      const get = await api.get('/v1/outage-managers/999999');
      expect([get.status, get.body.error.code]).toEqual([404, 'OUTAGE_MANAGER_NOT_FOUND']);
      await expectRefused(() => api.patch('/v1/outage-managers/999999', { onDuty: false }), {
        status: 404,
        code: 'OUTAGE_MANAGER_NOT_FOUND',
      });
      await expectRefused(() => api.patch('/v1/outage-managers/x1', { onDuty: false }), {
        status: 422,
        code: 'VALIDATION_FAILED',
        field: 'id',
      });
    });
  });

  describe('concurrent duplicates', () => {
    it.each([
      ['/v1/areas', () => newArea(), 'AREA_EXISTS', 'areas'],
      ['/v1/network-elements', () => newElement(), 'NETWORK_ELEMENT_EXISTS', 'network_elements'],
    ])('should create one and answer 409, never 500, when %s gets the same code ten times at once', async (path, make, code, table) => {
      const body = make();
      const before = await api.count(table);
      const replies = await Promise.all(Array.from({ length: 10 }, () => api.post(path, body)));
      expect(replies.map((r) => `${r.status} ${r.body.error?.code ?? ''}`).sort()).toEqual([
        '201 ',
        ...Array.from({ length: 9 }, () => `409 ${code}`),
      ]);
      expect(await api.count(table)).toBe(before + 1);
    });

    it('should create one subscriber and answer 409, never 500, when the same externalId arrives ten times at once', async () => {
      const area = await createArea();
      const body = newSubscriber({ areaCode: area.code });
      const replies = await Promise.all(Array.from({ length: 10 }, () => api.post('/v1/subscribers', body)));
      expect(replies.map((r) => `${r.status} ${r.body.error?.code ?? ''}`).sort()).toEqual([
        '201 ',
        ...Array.from({ length: 9 }, () => '409 SUBSCRIBER_EXISTS'),
      ]);
    });
  });

  describe('request bodies', () => {
    const createPaths = ['/v1/areas', '/v1/network-elements', '/v1/subscribers', '/v1/outage-managers'];

    it.each(createPaths)('should answer 400 MALFORMED_JSON when the body of POST %s is not JSON', async (path) => {
      await expectRefused(() => api.request('POST', path, { raw: '{"code": "A1", ', contentType: 'application/json' }), {
        status: 400,
        code: 'MALFORMED_JSON',
      });
    });

    it.each(createPaths)('should answer 413, not 500, when the body of POST %s is too large', async (path) => {
      const huge = JSON.stringify({ code: 'BIG', name: 'x'.repeat(2 * 1024 * 1024) });
      await expectRefused(() => api.request('POST', path, { raw: huge, contentType: 'application/json' }), {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
      });
    });

    it.each([
      ['a JSON array', '[{"code":"A1","name":"x"}]', 422, 'VALIDATION_FAILED'],
      ['an empty JSON array', '[]', 422, 'VALIDATION_FAILED'],
      ['a JSON string', '"A1"', 400, 'MALFORMED_JSON'],
      ['a JSON number', '42', 400, 'MALFORMED_JSON'],
      ['JSON null', 'null', 400, 'MALFORMED_JSON'],
    ])('should refuse a body that is %s, naming body when it is parsed', async (_case, raw, status, code) => {
      await expectRefused(() => api.request('POST', '/v1/areas', { raw, contentType: 'application/json' }), {
        status,
        code,
        field: status === 422 ? 'body' : undefined,
      });
    });

    it('should refuse a body that is not declared as JSON, naming body', async () => {
      await expectRefused(() => api.request('POST', '/v1/areas', { raw: '{"code":"A1","name":"x"}', contentType: 'text/plain' }), {
        status: 422,
        code: 'VALIDATION_FAILED',
        field: 'body',
      });
    });

    it('should refuse a patch whose body is an array, naming body', async () => {
      const area = await createArea();
      await expectRefused(
        () => api.request('PATCH', `/v1/areas/${area.code}`, { raw: '[{"name":"x"}]', contentType: 'application/json' }),
        { status: 422, code: 'VALIDATION_FAILED', field: 'body' },
      );
    });

    it('should answer 415 when the JSON charset is not supported', async () => {
      await expectRefused(
        () => api.request('POST', '/v1/areas', { raw: '{}', contentType: 'application/json; charset=koi8-r' }),
        { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      );
    });
  });
});

describe('reference data with a custom DEFAULT_TIMEZONE', () => {
  let api: TestApi;
  let savedTimezone: string | undefined;
  beforeAll(async () => {
    savedTimezone = process.env.DEFAULT_TIMEZONE;
    api = await TestApi.start({ DEFAULT_TIMEZONE: 'America/Argentina/Ushuaia' });
  });
  afterAll(async () => {
    await api.stop();
    if (savedTimezone === undefined) delete process.env.DEFAULT_TIMEZONE;
    else process.env.DEFAULT_TIMEZONE = savedTimezone;
  });

  it('should use DEFAULT_TIMEZONE when neither the subscriber nor its area has a zone', async () => {
    const area = newArea();
    await api.post('/v1/areas', area);
    const res = await api.post('/v1/subscribers', newSubscriber({ areaCode: area.code }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ timezone: null, effectiveTimezone: 'America/Argentina/Ushuaia' });
  });
});
