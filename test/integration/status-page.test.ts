import { TestApi } from '../support/api';
import { expectCreated, seedTopology, SUBSCRIBERS } from '../support/topology';

describe('public status page', () => {
  let api: TestApi;
  let incident: any;
  const manager = { name: 'Ирина Смирнова', phone: '+73832000101', email: 'irina@operator.example', areaCodes: ['RU'] };

  beforeAll(async () => {
    api = await TestApi.start();
    await seedTopology(api);
    await expectCreated(api, '/v1/outage-managers', manager);
    incident = await expectCreated(api, '/v1/incidents', {
      title: 'Fibre cut near Lenina st.', kind: 'outage', scope: { areaCodes: ['RU'] },
      etr: new Date(Date.now() + 2 * 3600_000).toISOString(), publicMessage: 'Crews are on their way. We are sorry.',
    });
    await api.post(`/v1/incidents/${incident.id}/updates`, { status: 'identified', message: 'Cable damaged by roadworks <b>' });
  });
  afterAll(() => api.stop());

  const personalData = () => [
    ...Object.values(SUBSCRIBERS).flatMap((s) => [s.name, s.phone, s.phone.slice(1), s.email]),
    manager.phone, manager.phone.slice(1), manager.email,
  ];

  it('should serve status, ETR, public updates and the manager\'s name as JSON without personal data', async () => {
    const res = await api.get(`/v1/public/incidents/${incident.code}`, null);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: incident.code, title: 'Fibre cut near Lenina st.', status: 'identified', kind: 'outage',
      startedAt: incident.startedAt, etr: incident.etr, manager: { name: manager.name },
    });
    expect(res.body.updates.map((u: any) => u.message)).toEqual(['Crews are on their way. We are sorry.', 'Cable damaged by roadworks <b>']);
    expect(res.headers.get('cache-control')).toMatch(/public, max-age=30/);
    const text = JSON.stringify(res.body);
    for (const secret of personalData()) expect(text).not.toContain(secret);
    expect(Object.keys(res.body.manager)).toEqual(['name']);
  });

  it('should render the same as an HTML page, escaped, in the reader\'s language, without personal data', async () => {
    const res = await api.request('GET', `/status/${incident.code}`, { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    const html = res.body as string;
    expect(html).toContain('Fibre cut near Lenina st.');
    expect(html).toContain(manager.name);
    expect(html).toContain('Cable damaged by roadworks &lt;b&gt;');
    expect(html).not.toContain('<b>');
    for (const secret of personalData().filter((s) => s !== manager.name)) expect(html).not.toContain(secret);

    const ru = await fetch(`${api.baseUrl}/status/${incident.code}`, { headers: { 'accept-language': 'ru-RU,ru;q=0.9' } });
    expect(await ru.text()).toContain('Причина найдена');
  });

  it('should accept the code as typed, in any case and without the dash', async () => {
    const typed = incident.code.toLowerCase().replace('-', '');
    expect((await api.get(`/v1/public/incidents/${typed}`, null)).body.code).toBe(incident.code);
  });

  it('should answer 404 for an unknown code, as JSON and as a page', async () => {
    const json = await api.get('/v1/public/incidents/ZZZZ-ZZZZ', null);
    expect(json.status).toBe(404);
    expect(json.body.error.code).toBe('INCIDENT_NOT_FOUND');
    expect((await api.get('/v1/public/incidents/not-a-code', null)).status).toBe(404);
    const page = await api.request('GET', '/status/ZZZZ-ZZZZ', { key: null });
    expect(page.status).toBe(404);
    expect(page.body).toContain('could not find');
  });

  it('should show a title given for every language in each, and name the zone next to each time', async () => {
    const ru = (await api.request('GET', `/s/${incident.code}/ru`, { key: null })).body as string; // the short form messages link to
    expect(ru).toContain('<h1>Fibre cut near Lenina st.</h1>');
    expect(ru).toContain('Причина найдена');
    // Printed in UTC, said so, and rewritten in the reader's zone, named, by the page's script.
    expect(ru).toMatch(/<time datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/);
    expect(ru).toContain('data-local="Время указано по вашему часовому поясу: {zone}."');
    const script = await api.request('GET', '/status/assets/page.js', { key: null });
    expect(script.body).toContain("timeZoneName: 'short'");
  });

  it('should name the affected areas, those of the scope and those its network elements stand in', async () => {
    expect((await api.get(`/v1/public/incidents/${incident.code}`, null)).body.areas).toEqual(['Russia']);
    const byElement = await expectCreated(api, '/v1/incidents', {
      title: 'OLT reboot', kind: 'outage', scope: { areaCodes: ['CITY-B1'], elementCodes: ['OLT-1', 'OLT-3'] },
    });
    expect((await api.get(`/v1/public/incidents/${byElement.code}`, null)).body.areas).toEqual(['City B1', 'District A1a', 'District A1b']);
    const html = (await api.request('GET', `/status/${byElement.code}?lang=en`, { key: null })).body as string;
    expect(html).toContain('<dt>Affected areas</dt><dd>City B1, District A1a, District A1b</dd>');
  });

  it('should refresh itself while open, and answer a repeat with 304 Not Modified', async () => {
    const first = await api.request('GET', `/status/${incident.code}/en`, { key: null });
    expect(first.body).toContain('<meta http-equiv="refresh" content="60">');
    expect(first.body).toContain('This page updates itself every minute.');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    // fetch() adds Cache-Control: no-cache to a conditional request unless it has one (a browser revalidating sends max-age=0).
    const again = await fetch(`${api.baseUrl}/status/${incident.code}/en`, { headers: { 'if-none-match': etag!, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
  });

  it('should cache a closed incident longer', async () => {
    await api.post(`/v1/incidents/${incident.id}/resolve`, { message: 'Restored. Thank you for your patience.' });
    const res = await api.get(`/v1/public/incidents/${incident.code}`, null);
    expect(res.body).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('should stop refreshing once the incident is closed', async () => {
    const html = (await api.request('GET', `/status/${incident.code}`, { key: null })).body as string;
    expect(html).toContain('Restored. Thank you for your patience.');
    expect(html).not.toContain('http-equiv="refresh"');
  });

});

describe('public status page: the incident\'s own words in the reader\'s language, and the ETR\'s history', () => {
  let api: TestApi;
  let incident: any;
  const etr = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();

  beforeAll(async () => {
    api = await TestApi.start();
    await seedTopology(api);
    incident = await expectCreated(api, '/v1/incidents', {
      titles: { ru: 'Обрыв кабеля на Ленина', en: 'Fibre cut on Lenina st.' }, kind: 'outage', scope: { areaCodes: ['REG-A'] },
      etr: etr(2), publicMessages: { ru: 'Бригада выехала.', en: 'The crew is on its way.' },
    });
    await api.post(`/v1/incidents/${incident.id}/updates`, { etr: etr(3) });
    await api.post(`/v1/incidents/${incident.id}/updates`, {
      etr: etr(4), messages: { ru: 'Нужен новый кабель, везём.', en: 'A new cable is needed; it is on its way.' },
    });
  });
  afterAll(() => api.stop());

  it('should keep the title and message per language in the API, and the first language\'s as the title for all', () => {
    expect(incident.title).toBe('Обрыв кабеля на Ленина');
    expect(incident.titles).toEqual({ ru: 'Обрыв кабеля на Ленина', en: 'Fibre cut on Lenina st.' });
    expect(incident.publicMessages).toEqual({ ru: 'Бригада выехала.', en: 'The crew is on its way.' });
  });

  it('should show the title and every update in the page\'s language, whichever way the language is asked for', async () => {
    const en = (await api.request('GET', `/status/${incident.code}/en`, { key: null })).body as string;
    expect(en).toContain('<h1>Fibre cut on Lenina st.</h1>');
    expect(en).toContain('The crew is on its way.');
    expect(en).toContain('A new cable is needed; it is on its way.');
    expect(en).not.toMatch(/[а-яА-Я]/);
    const ru = await fetch(`${api.baseUrl}/status/${incident.code}`, { headers: { 'accept-language': 'ru-RU,ru;q=0.9' } });
    const ruHtml = await ru.text();
    expect(ruHtml).toContain('<h1>Обрыв кабеля на Ленина</h1>');
    expect(ruHtml).toContain('Нужен новый кабель, везём.');
    expect(ruHtml).not.toContain('Fibre cut');
    expect((await api.request('GET', `/status/${incident.code}?lang=en`, { key: null })).body).toContain('<h1>Fibre cut on Lenina st.</h1>');
  });

  it('should tell the ETR\'s history: first expected, each move, now, and how many times it was revised', async () => {
    const json = (await api.get(`/v1/public/incidents/${incident.code}`, null)).body;
    expect(json.etrHistory).toHaveLength(3);
    expect(json.etrHistory[2]).toBe(json.etr);
    expect(json.etrHistory[0]).toBe(incident.etr);
    const en = (await api.request('GET', `/status/${incident.code}/en`, { key: null })).body as string;
    const history = /<span class="history">(.*?)<\/span>/.exec(en)![1];
    const times = [...history.matchAll(/datetime="([^"]+)"/g)].map((m) => m[1]);
    expect(times).toEqual(json.etrHistory);
    expect(history).toMatch(/^First expected <time.*→ <time.*→ now <time.*; revised twice\.$/);
    const ru = (await api.request('GET', `/status/${incident.code}/ru`, { key: null })).body as string;
    expect(ru).toMatch(/Сначала ожидали <time.*→ теперь <time.*; срок меняли 2 раза\./);
  });

  it('should refuse a language it does not know and a missing title, naming the field, and create nothing', async () => {
    const before = (await api.get('/v1/incidents?limit=200')).body.items.length;
    const unknown = await api.post('/v1/incidents', { titles: { ru: 'Авария', de: 'Störung' }, kind: 'outage', scope: { areaCodes: ['RU'] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details).toEqual([{ field: 'titles.de', message: 'is not a known field' }]);
    const none = await api.post('/v1/incidents', { titles: {}, kind: 'outage', scope: { areaCodes: ['RU'] } });
    expect(none.status).toBe(422);
    expect(none.body.error.details.map((d: any) => d.field)).toEqual(['title']);
    const tooLong = await api.post(`/v1/incidents/${incident.id}/updates`, { messages: { en: 'x'.repeat(1001) } });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error.details.map((d: any) => d.field)).toEqual(['messages.en']);
    expect((await api.get('/v1/incidents?limit=200')).body.items.length).toBe(before);
  });
});
