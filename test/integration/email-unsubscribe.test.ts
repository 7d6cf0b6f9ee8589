import { signUnsubscribeToken, unsubscribeUrl } from '../../src/email/unsubscribe-token';
import { TestApi } from '../support/api';
import { newArea, newSubscriber } from '../support/factories';

/**
 * Issue 5, item 5: the link in every email's List-Unsubscribe header. The page a link opens
 * changes nothing; the one-click POST turns email consent off; a forged link changes nothing.
 */

const SECRET = 'integration-test-unsubscribe-secret-0123456789';

describe('unsubscribe links', () => {
  let api: TestApi;
  let areaCode: string;

  beforeAll(async () => {
    api = await TestApi.start({ UNSUBSCRIBE_SECRET: SECRET, PUBLIC_BASE_URL: 'https://status.example.net' });
    const area = await api.post('/v1/areas', newArea());
    expect(area.status).toBe(201);
    areaCode = area.body.code;
  });
  afterAll(() => api.stop());

  async function subscriber(over: Record<string, unknown> = {}): Promise<{ id: number; email: string }> {
    const res = await api.post('/v1/subscribers', newSubscriber({ areaCode, ...over }));
    expect(res.status).toBe(201);
    return res.body;
  }

  const emailConsent = async (id: number): Promise<boolean> =>
    (await api.db.query(`SELECT email_consent FROM subscribers WHERE id = $1`, [id]))[0].email_consent;

  /** The path and query of a link as the worker makes it (same secret and base URL as the api). */
  const linkFor = (id: number) => unsubscribeUrl('https://status.example.net', id, SECRET).replace('https://status.example.net', '');

  const oneClick = (path: string) =>
    api.request('POST', path, { key: null, raw: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' });

  it('should show a confirmation page with the masked address and change nothing when the link is opened', async () => {
    const s = await subscriber({ email: 'ivan.petrov@example.ru', locale: 'en' });
    const res = await api.get(linkFor(s.id), null);

    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toContain('i***@example.ru');
    expect(res.body).not.toContain('ivan.petrov@example.ru');
    expect(res.body).toContain('<form method="post">');
    expect(await emailConsent(s.id)).toBe(true);
  });

  it('should turn email consent off on the one-click POST without an API key, and again harmlessly', async () => {
    const s = await subscriber({ locale: 'ru' });
    const first = await oneClick(linkFor(s.id));
    expect(first.status).toBe(200);
    expect(first.body).toContain('Готово');
    expect(await emailConsent(s.id)).toBe(false);
    const shown = await api.get(`/v1/subscribers/${s.id}`);
    expect(shown.body.channels).toMatchObject({ email: false, sms: true });

    const again = await oneClick(linkFor(s.id));
    expect(again.status).toBe(200);
    expect(await emailConsent(s.id)).toBe(false);
    expect((await api.get(linkFor(s.id), null)).body).toContain('уже отписан');
  });

  it('should refuse a forged token with 400 and change nothing', async () => {
    const victim = await subscriber();
    const attacker = await subscriber();
    const stolenSignature = signUnsubscribeToken(attacker.id, SECRET).split('.')[1];
    const forgeries = [
      `${victim.id}.${stolenSignature}`, // someone else's signature
      signUnsubscribeToken(victim.id, 'a-different-secret-of-sufficient-length'),
      `${victim.id}`,
      '',
    ];
    for (const token of forgeries) {
      const res = await oneClick(`/v1/public/unsubscribe?token=${encodeURIComponent(token)}`);
      expect({ token, status: res.status }).toEqual({ token, status: 400 });
      expect(res.body).toContain('not valid');
      expect((await api.get(`/v1/public/unsubscribe?token=${encodeURIComponent(token)}`, null)).status).toBe(400);
    }
    expect((await oneClick('/v1/public/unsubscribe')).status).toBe(400);
    expect(await emailConsent(victim.id)).toBe(true);
    expect(await emailConsent(attacker.id)).toBe(true);
  });

  it('should answer 404 when the link is genuine but its subscriber is gone', async () => {
    const res = await oneClick(linkFor(987_654_321));
    expect(res.status).toBe(404);
    expect(res.body).toContain('Nothing was changed');
  });
});
