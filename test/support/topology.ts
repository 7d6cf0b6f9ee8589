import { TestApi } from './api';

/**
 * A small operator over two time zones, used by the incident suites:
 *
 *   areas                                   elements
 *   RU (Europe/Moscow)                      CORE
 *   ├─ REG-A (Asia/Novosibirsk)             ├─ AGG-1
 *   │  ├─ CITY-A1                           │  ├─ OLT-1 (in DIST-A1a)
 *   │  │  ├─ DIST-A1a                       │  └─ OLT-2 (in DIST-B1a)
 *   │  │  └─ DIST-A1b                       └─ AGG-2
 *   └─ REG-B (Asia/Vladivostok)                └─ OLT-3 (in DIST-A1b)
 *      └─ CITY-B1 └─ DIST-B1a
 */
export const AREAS = [
  { code: 'RU', name: 'Russia', timezone: 'Europe/Moscow' },
  { code: 'REG-A', name: 'Region A', parentCode: 'RU', timezone: 'Asia/Novosibirsk' },
  { code: 'CITY-A1', name: 'City A1', parentCode: 'REG-A' },
  { code: 'DIST-A1a', name: 'District A1a', parentCode: 'CITY-A1' },
  { code: 'DIST-A1b', name: 'District A1b', parentCode: 'CITY-A1' },
  { code: 'REG-B', name: 'Region B', parentCode: 'RU', timezone: 'Asia/Vladivostok' },
  { code: 'CITY-B1', name: 'City B1', parentCode: 'REG-B' },
  { code: 'DIST-B1a', name: 'District B1a', parentCode: 'CITY-B1' },
];

export const ELEMENTS = [
  { code: 'CORE', name: 'Core', kind: 'core' },
  { code: 'AGG-1', name: 'Aggregation 1', kind: 'aggregation', parentCode: 'CORE' },
  { code: 'AGG-2', name: 'Aggregation 2', kind: 'aggregation', parentCode: 'CORE' },
  { code: 'OLT-1', name: 'OLT 1', kind: 'olt', parentCode: 'AGG-1', areaCode: 'DIST-A1a' },
  { code: 'OLT-2', name: 'OLT 2', kind: 'olt', parentCode: 'AGG-1', areaCode: 'DIST-B1a' },
  { code: 'OLT-3', name: 'OLT 3', kind: 'olt', parentCode: 'AGG-2', areaCode: 'DIST-A1b' },
];

/** s1 is reachable through both its area and its element; s4's element is in another region. */
export const SUBSCRIBERS = {
  s1: { name: 'Анна Петрова', phone: '+79130000001', email: 'anna@example.ru', areaCode: 'DIST-A1a', accessElementCode: 'OLT-1' },
  s2: { name: 'Boris Ivanov', phone: '+79130000002', email: 'boris@example.ru', areaCode: 'DIST-A1b', accessElementCode: 'OLT-3' },
  s3: { name: 'Vera Sokolova', phone: '+79140000003', email: 'vera@example.ru', areaCode: 'DIST-B1a', accessElementCode: 'OLT-2' },
  s4: { name: 'Gleb Orlov', phone: '+79140000004', email: 'gleb@example.ru', areaCode: 'DIST-B1a', accessElementCode: 'OLT-1' },
  s5: { name: 'Dina Kim', phone: '+79130000005', email: 'dina@example.ru', areaCode: 'CITY-A1' },
};
export type SubscriberKey = keyof typeof SUBSCRIBERS;

export async function seedTopology(
  api: TestApi,
  overrides: Partial<Record<SubscriberKey, Record<string, unknown>>> = {},
): Promise<Record<SubscriberKey, number>> {
  for (const a of AREAS) await expectCreated(api, '/v1/areas', a);
  for (const e of ELEMENTS) await expectCreated(api, '/v1/network-elements', e);
  const ids = {} as Record<SubscriberKey, number>;
  for (const [key, s] of Object.entries(SUBSCRIBERS) as Array<[SubscriberKey, Record<string, unknown>]>) {
    const res = await expectCreated(api, '/v1/subscribers', { externalId: key, ...s, ...overrides[key] });
    ids[key] = res.id;
  }
  return ids;
}

export async function expectCreated(api: TestApi, path: string, body: unknown): Promise<any> {
  const res = await api.post(path, body);
  if (res.status !== 201) throw new Error(`POST ${path} → ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
