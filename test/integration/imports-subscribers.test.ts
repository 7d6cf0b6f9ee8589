import { TestApi } from '../support/api';

describe('imports of subscribers', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.start();
    await api.post('/v1/areas', { code: 'NSK', name: 'Novosibirsk', timezone: 'Asia/Novosibirsk' });
    await api.post('/v1/network-elements', { code: 'OLT-1', name: 'OLT 1', kind: 'olt', areaCode: 'NSK' });
  });
  afterAll(() => api.stop());

  const HEADER = 'externalId,name,phone,email,locale,timezone,quietStart,quietEnd,tier,flags,areaCode,accessElementCode,sms,emailConsent';
  const csv = (text: string) => api.request('POST', '/v1/imports/subscribers', { raw: text, contentType: 'text/csv' });
  const ndjson = (rows: object[]) =>
    api.request('POST', '/v1/imports/subscribers', {
      raw: rows.map((r) => JSON.stringify(r)).join('\n') + '\n',
      contentType: 'application/x-ndjson',
    });
  const byExternalId = async (externalId: string) => {
    const rows = await api.db.query(`SELECT id FROM subscribers WHERE external_id = $1`, [externalId]);
    return rows[0] ? (await api.get(`/v1/subscribers/${rows[0].id}`)).body : undefined;
  };

  it('should import CSV with every field, phones to E.164, flags split on ; or |', async () => {
    const res = await csv(
      [
        HEADER,
        'C-1,"Петрова, Анна",8 913 123-45-67,Anna@Example.RU,en,Asia/Omsk,22:30,07:00,vip,sensitive;24x7,NSK,OLT-1,false,true',
        'C-2,Ivan,,ivan@example.ru,,,,,business,a|b,NSK,,,',
      ].join('\r\n'),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await byExternalId('C-1')).toMatchObject({
      name: 'Петрова, Анна',
      phone: '+79131234567',
      email: 'anna@example.ru',
      locale: 'en',
      timezone: 'Asia/Omsk',
      quietHours: { start: '22:30', end: '07:00' },
      tier: 'vip',
      flags: ['sensitive', '24x7'],
      areaCode: 'NSK',
      accessElementCode: 'OLT-1',
      channels: { sms: false, email: true },
    });
    expect(await byExternalId('C-2')).toMatchObject({
      phone: null,
      locale: 'ru',
      effectiveTimezone: 'Asia/Novosibirsk',
      quietHours: null,
      flags: ['a', 'b'],
      channels: { sms: true, email: true },
    });
  });

  it('should import NDJSON in the nested API shape and in flat names, then count updates on re-import', async () => {
    const nested = { externalId: 'N-1', name: 'Nested', phone: '+79130000001', areaCode: 'NSK', quietHours: { start: '23:00', end: '08:00' }, channels: { sms: true, email: false } };
    const flat = { externalId: 'N-2', name: 'Flat', email: 'flat@example.ru', areaCode: 'NSK', quietStart: '21:00', quietEnd: '06:00', emailConsent: false, flags: ['x'] };
    const first = await ndjson([nested, flat]);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await byExternalId('N-1')).toMatchObject({ quietHours: { start: '23:00', end: '08:00' }, channels: { sms: true, email: false } });
    expect(await byExternalId('N-2')).toMatchObject({ quietHours: { start: '21:00', end: '06:00' }, channels: { email: false }, flags: ['x'] });

    const again = await ndjson([nested, { ...flat, name: 'Flat renamed', tier: 'business' }, { externalId: 'N-3', name: 'New', email: 'n3@example.ru', areaCode: 'NSK' }]);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ inserted: 1, updated: 1, unchanged: 1 });
    expect(await byExternalId('N-2')).toMatchObject({ name: 'Flat renamed', tier: 'business' });
  });

  it('should import nothing from 10,000 lines with one bad line and name its line and field', async () => {
    const lines = [HEADER];
    for (let i = 0; i < 10_000; i++) {
      const phone = i === 7_321 ? 'not-a-phone' : `+7913${String(2_000_000 + i)}`;
      lines.push(`B-${i},Bulk ${i},${phone},,,,,,,,NSK,OLT-1,,`);
    }
    const before = await api.count('subscribers');
    const res = await csv(lines.join('\n'));
    expect(res.status).toBe(422);
    expect(res.body.error).toEqual({
      code: 'IMPORT_INVALID',
      message: 'the file has 1 problem; nothing was imported',
      details: [{ line: 7_323, field: 'phone', message: 'is not a valid phone number' }],
    });
    expect(await api.count('subscribers')).toBe(before);

    lines[7_322] = lines[7_322].replace('not-a-phone', '+79139999999');
    const fixed = await csv(lines.join('\n'));
    expect(fixed.status).toBe(200);
    expect(fixed.body.inserted).toBe(10_000);
  });

  it('should name unknown areas and access elements and repeated external ids per line', async () => {
    const res = await ndjson([
      { externalId: 'U-1', name: 'a', email: 'a@example.ru', areaCode: 'NOWHERE' },
      { externalId: 'U-2', name: 'b', email: 'b@example.ru', areaCode: 'NSK', accessElementCode: 'OLT-404' },
      { externalId: 'U-1', name: 'c', email: 'c@example.ru', areaCode: 'NSK' },
      { externalId: 'U-4', name: 'd', areaCode: 'NSK' },
    ]);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { line: 1, field: 'areaCode', message: 'area NOWHERE does not exist' },
      { line: 2, field: 'accessElementCode', message: 'network element OLT-404 does not exist' },
      { line: 3, field: 'externalId', message: 'externalId U-1 is already on line 1' },
      { line: 4, field: 'phone', message: 'or email is required: a subscriber needs at least one channel' },
    ]);
    expect(await byExternalId('U-2')).toBeUndefined();
  });

  it('should list only the first 100 problems and say how many there are', async () => {
    const lines = [HEADER, ...Array.from({ length: 250 }, (_, i) => `M-${i},m,,bad-email-${i},,,,,,,NSK,,,`)];
    const res = await csv(lines.join('\n'));
    expect(res.status).toBe(422);
    expect(res.body.error.details).toHaveLength(100);
    expect(res.body.error.details[99]).toEqual({ line: 101, field: 'email', message: 'is not a valid email address' });
    expect(res.body.error.message).toBe('the file has 250 problems; the first 100 are listed; nothing was imported');
  });

  it('should reject malformed CSV and NDJSON naming the line', async () => {
    const quote = await csv(`${HEADER}\nQ-1,"unclosed,,,,,,,,,NSK,,,\n`);
    expect(quote.status).toBe(422);
    expect(quote.body.error.details).toEqual([{ line: 2, field: 'row', message: 'a quoted field opened on line 2 is never closed' }]);

    const columns = await csv(`${HEADER}\nW-1,too,few\n`);
    expect(columns.status).toBe(422);
    expect(columns.body.error.details).toEqual([{ line: 2, field: 'row', message: 'has 3 fields but the header has 14' }]);

    const header = await csv('externalId,name,colour,areaCode,email\n');
    expect(header.status).toBe(422);
    expect(header.body.error.details).toEqual([{ line: 1, field: 'colour', message: expect.stringContaining('is not a known column') }]);

    const json = await api.request('POST', '/v1/imports/subscribers', {
      raw: '{"externalId":"J-1","name":"j","email":"j@example.ru","areaCode":"NSK"}\n{"externalId": "J-2",\n',
      contentType: 'application/x-ndjson',
    });
    expect(json.status).toBe(422);
    expect(json.body.error.details).toEqual([{ line: 2, field: 'row', message: 'is not valid JSON' }]);
    expect(await byExternalId('J-1')).toBeUndefined();
  });

  it('should reject an empty file', async () => {
    for (const [raw, contentType] of [['', 'text/csv'], [`${HEADER}\n\n`, 'text/csv'], ['\n\n', 'application/x-ndjson']]) {
      const res = await api.request('POST', '/v1/imports/subscribers', { raw, contentType });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('IMPORT_INVALID');
    }
  });
});
