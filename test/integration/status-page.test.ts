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

  it('should cache a closed incident longer', async () => {
    await api.post(`/v1/incidents/${incident.id}/resolve`, { message: 'Restored. Thank you for your patience.' });
    const res = await api.get(`/v1/public/incidents/${incident.code}`, null);
    expect(res.body).toMatchObject({ status: 'resolved', resolvedAt: expect.any(String) });
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
  });
});
