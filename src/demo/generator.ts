import { SUBSCRIBER_FLAT_FIELDS } from '../subscribers/subscriber-input';

/**
 * Deterministic demo data: a national operator's service areas, network topology, outage
 * managers and any number of subscribers. Pure functions of the seed, no I/O, so the demo, the
 * tests and the benchmarks all see exactly the same rows.
 */

export interface AreaRow {
  code: string;
  name: string;
  parentCode: string | null;
  timezone: string | null;
}

export interface ElementRow {
  code: string;
  name: string;
  kind: string;
  parentCode: string | null;
  areaCode: string | null;
}

export interface ManagerRow {
  name: string;
  phone: string;
  email: string;
  areaCodes: string[];
  onDuty: boolean;
}

export interface DemoNetwork {
  areas: AreaRow[];
  elements: ElementRow[];
  managers: ManagerRow[];
}

export type SubscriberFlatField = (typeof SUBSCRIBER_FLAT_FIELDS)[number];

/** One subscriber as a bulk-import row (the CSV column names of SUBSCRIBER_FLAT_FIELDS). */
export interface SubscriberRow {
  externalId: string;
  name: string;
  phone: string | null;
  email: string | null;
  locale: 'ru' | 'en';
  timezone: string | null;
  quietStart: string | null;
  quietEnd: string | null;
  tier: 'residential' | 'business' | 'vip';
  flags: string[];
  areaCode: string;
  accessElementCode: string | null;
  sms: boolean;
  emailConsent: boolean;
}

export const AREA_FIELDS = ['code', 'name', 'parentCode', 'timezone'] as const;
export const ELEMENT_FIELDS = ['code', 'name', 'kind', 'parentCode', 'areaCode'] as const;

/** mulberry32: tiny, fast and good enough for test data; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)];
const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

interface CityDef {
  name: string;
  timezone?: string;
}

interface RegionDef {
  country: string;
  code: string;
  name: string;
  timezone: string;
  /** Share of the subscriber base, relative to the other regions. */
  weight: number;
  /** Dialling prefix of the managers' direct lines and how many digits follow it. */
  dial: string;
  dialDigits: number;
  locale: 'ru' | 'en';
  cities: CityDef[];
}

const COUNTRIES = [
  { code: 'RU', name: 'Россия', timezone: 'Europe/Moscow' },
  { code: 'DE', name: 'Germany', timezone: 'Europe/Berlin' },
  { code: 'GB', name: 'United Kingdom', timezone: 'Europe/London' },
  { code: 'US', name: 'United States', timezone: 'America/New_York' },
];

// Some cities carry their own zone where the real one differs from the region's (Barnaul, Tomsk …).
const REGIONS: RegionDef[] = [
  { country: 'RU', code: 'KGD', name: 'Калининградский филиал', timezone: 'Europe/Kaliningrad', weight: 1.5, dial: '+74012', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Калининград' }, { name: 'Советск' }, { name: 'Черняховск' }] },
  { country: 'RU', code: 'MOW', name: 'Московский филиал', timezone: 'Europe/Moscow', weight: 12, dial: '+74952', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Москва' }, { name: 'Химки' }, { name: 'Подольск' }, { name: 'Балашиха' }, { name: 'Королёв' }] },
  { country: 'RU', code: 'SPE', name: 'Северо-Западный филиал', timezone: 'Europe/Moscow', weight: 6, dial: '+78122', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Санкт-Петербург' }, { name: 'Пушкин' }, { name: 'Колпино' }] },
  { country: 'RU', code: 'VLG', name: 'Поволжский филиал', timezone: 'Europe/Samara', weight: 4, dial: '+78462', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Самара' }, { name: 'Тольятти' }, { name: 'Ульяновск', timezone: 'Europe/Ulyanovsk' }, { name: 'Саратов', timezone: 'Europe/Saratov' }] },
  { country: 'RU', code: 'URL', name: 'Уральский филиал', timezone: 'Asia/Yekaterinburg', weight: 5, dial: '+73432', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Екатеринбург' }, { name: 'Челябинск' }, { name: 'Тюмень' }, { name: 'Пермь' }] },
  { country: 'RU', code: 'OMS', name: 'Омский филиал', timezone: 'Asia/Omsk', weight: 2, dial: '+73812', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Омск' }, { name: 'Тара' }] },
  { country: 'RU', code: 'SIB', name: 'Сибирский филиал', timezone: 'Asia/Novosibirsk', weight: 5, dial: '+73832', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Новосибирск' }, { name: 'Бердск' }, { name: 'Барнаул', timezone: 'Asia/Barnaul' }, { name: 'Томск', timezone: 'Asia/Tomsk' },
      { name: 'Новокузнецк', timezone: 'Asia/Novokuznetsk' }] },
  { country: 'RU', code: 'KYA', name: 'Красноярский филиал', timezone: 'Asia/Krasnoyarsk', weight: 2.5, dial: '+73912', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Красноярск' }, { name: 'Норильск' }, { name: 'Ачинск' }] },
  { country: 'RU', code: 'IRK', name: 'Байкальский филиал', timezone: 'Asia/Irkutsk', weight: 2.5, dial: '+73952', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Иркутск' }, { name: 'Ангарск' }, { name: 'Улан-Удэ' }] },
  { country: 'RU', code: 'YAK', name: 'Якутский филиал', timezone: 'Asia/Yakutsk', weight: 1, dial: '+74112', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Якутск' }, { name: 'Мирный' }, { name: 'Чита', timezone: 'Asia/Chita' }] },
  { country: 'RU', code: 'DVS', name: 'Дальневосточный филиал', timezone: 'Asia/Vladivostok', weight: 2.5, dial: '+74232', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Владивосток' }, { name: 'Хабаровск' }, { name: 'Находка' }] },
  { country: 'RU', code: 'MAG', name: 'Магаданский филиал', timezone: 'Asia/Magadan', weight: 0.5, dial: '+74132', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Магадан' }] },
  { country: 'RU', code: 'KAM', name: 'Камчатский филиал', timezone: 'Asia/Kamchatka', weight: 0.5, dial: '+74152', dialDigits: 6, locale: 'ru',
    cities: [{ name: 'Петропавловск-Камчатский' }] },
  { country: 'DE', code: 'BER', name: 'Berlin enterprise branch', timezone: 'Europe/Berlin', weight: 0.4, dial: '+49302', dialDigits: 7, locale: 'en',
    cities: [{ name: 'Berlin' }] },
  { country: 'GB', code: 'LON', name: 'London enterprise branch', timezone: 'Europe/London', weight: 0.4, dial: '+44207946', dialDigits: 4, locale: 'en',
    cities: [{ name: 'London' }] },
  { country: 'US', code: 'NYC', name: 'New York enterprise branch', timezone: 'America/New_York', weight: 0.3, dial: '+1212555', dialDigits: 4, locale: 'en',
    cities: [{ name: 'New York' }] },
];

/** The region whose only outage manager is off duty, so the demo shows an unassigned incident. */
export const UNSTAFFED_REGION = 'RU-MAG';

const DISTRICTS_RU = ['Центральный', 'Ленинский', 'Кировский', 'Октябрьский', 'Советский', 'Заречный', 'Северный', 'Южный',
  'Восточный', 'Западный', 'Железнодорожный', 'Заводской', 'Калининский', 'Первомайский', 'Пролетарский', 'Фрунзенский'];
const DISTRICTS_EN = ['Downtown', 'Midtown', 'Riverside', 'Northside', 'Southside', 'Eastside', 'Westside', 'Harbour'];

const ACCESS_KINDS = [
  { kind: 'olt', prefix: 'OLT', name: 'OLT' },
  { kind: 'olt', prefix: 'OLT', name: 'OLT' },
  { kind: 'dslam', prefix: 'DSLAM', name: 'DSLAM' },
  { kind: 'cell', prefix: 'CELL', name: 'Cell site' },
  { kind: 'fibre-node', prefix: 'FN', name: 'Fibre node' },
] as const;

// [Cyrillic, Latin] pairs so emails follow the names.
const MALE_RU: [string, string][] = [['Александр', 'aleksandr'], ['Дмитрий', 'dmitry'], ['Сергей', 'sergey'], ['Андрей', 'andrey'],
  ['Алексей', 'aleksey'], ['Михаил', 'mikhail'], ['Иван', 'ivan'], ['Николай', 'nikolay'], ['Владимир', 'vladimir'], ['Павел', 'pavel'],
  ['Евгений', 'evgeny'], ['Артём', 'artyom'], ['Максим', 'maksim'], ['Олег', 'oleg'], ['Юрий', 'yury'], ['Виктор', 'viktor']];
const FEMALE_RU: [string, string][] = [['Анна', 'anna'], ['Елена', 'elena'], ['Ольга', 'olga'], ['Наталья', 'natalya'],
  ['Татьяна', 'tatyana'], ['Ирина', 'irina'], ['Мария', 'maria'], ['Светлана', 'svetlana'], ['Екатерина', 'ekaterina'],
  ['Юлия', 'yulia'], ['Анастасия', 'anastasia'], ['Марина', 'marina'], ['Дарья', 'darya'], ['Ксения', 'ksenia']];
const SURNAMES_RU: [string, string][] = [['Иванов', 'ivanov'], ['Смирнов', 'smirnov'], ['Кузнецов', 'kuznetsov'], ['Попов', 'popov'],
  ['Васильев', 'vasilyev'], ['Петров', 'petrov'], ['Соколов', 'sokolov'], ['Михайлов', 'mikhaylov'], ['Новиков', 'novikov'],
  ['Фёдоров', 'fedorov'], ['Морозов', 'morozov'], ['Волков', 'volkov'], ['Алексеев', 'alekseev'], ['Лебедев', 'lebedev'],
  ['Семёнов', 'semenov'], ['Егоров', 'egorov'], ['Павлов', 'pavlov'], ['Козлов', 'kozlov'], ['Степанов', 'stepanov'],
  ['Никитин', 'nikitin'], ['Орлов', 'orlov'], ['Зайцев', 'zaytsev'], ['Ковалевский', 'kovalevskiy'], ['Вишневский', 'vishnevskiy']];
const FIRST_EN = ['James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Emma', 'Oliver', 'Sophie',
  'Thomas', 'Hannah', 'Daniel', 'Laura', 'Lukas', 'Anna', 'Felix', 'Lena'];
const LAST_EN = ['Smith', 'Johnson', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Miller', 'Clarke', 'Walker', "O'Connor",
  'Müller', 'Schmidt', 'Fischer', 'Weber', 'Hughes', 'Green', 'Baker'];
const COMPANY_WORDS: [string, string][] = [['Альфа', 'Alpha'], ['Вектор', 'Vector'], ['Сфера', 'Sphere'], ['Горизонт', 'Horizon'],
  ['Меридиан', 'Meridian'], ['Техносервис', 'Technoservice'], ['Стройинвест', 'Stroyinvest'], ['Северный ветер', 'North Wind'],
  ['Байкал', 'Baikal'], ['Континент', 'Continent'], ['Транзит', 'Transit'], ['Аврора', 'Aurora']];
// Russian mobile operator codes; 930 is left out because parts of it are not allocated.
const MOBILE_CODES = [903, 905, 906, 909, 910, 912, 913, 914, 915, 916, 917, 918, 919, 920, 921, 922, 923, 924, 925, 926, 927,
  928, 929, 950, 951, 952, 953, 960, 961, 962, 963, 964, 965, 966, 967, 968, 977, 978, 980, 981, 982, 983, 984, 985, 986, 987,
  988, 989, 991, 992, 993, 994, 995, 996, 997, 999];
const MAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];

function femaleSurname([ru, latin]: [string, string]): [string, string] {
  return ru.endsWith('ий') ? [`${ru.slice(0, -2)}ая`, latin.replace(/iy$/, 'aya')] : [`${ru}а`, `${latin}a`];
}

/** A person's name, with a Latin slug for the email address. */
function personName(rng: Rng, locale: 'ru' | 'en'): { name: string; slug: string } {
  if (locale === 'en') {
    const first = pick(rng, FIRST_EN);
    const last = pick(rng, LAST_EN);
    return { name: `${first} ${last}`, slug: `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') };
  }
  const female = rng() < 0.5;
  const first = pick(rng, female ? FEMALE_RU : MALE_RU);
  const last = female ? femaleSurname(pick(rng, SURNAMES_RU)) : pick(rng, SURNAMES_RU);
  return { name: `${first[0]} ${last[0]}`, slug: `${first[1]}.${last[1]}` };
}

/** The operator's areas, topology and outage managers for `seed`. */
export function generateNetwork(seed = 1): DemoNetwork {
  const rng = mulberry32(seed);
  const areas: AreaRow[] = COUNTRIES.map((c) => ({ code: c.code, name: c.name, parentCode: null, timezone: c.timezone }));
  const cities: AreaRow[] = [];
  const districts: AreaRow[] = [];
  const elements: { core: ElementRow[]; aggregation: ElementRow[]; access: ElementRow[] } = { core: [], aggregation: [], access: [] };
  const managers: ManagerRow[] = [];

  REGIONS.forEach((region, regionIndex) => {
    const regionCode = `${region.country}-${region.code}`;
    areas.push({ code: regionCode, name: region.name, parentCode: region.country, timezone: region.timezone });
    const core = `CORE-${region.code}`;
    elements.core.push({ code: core, name: `Core router ${region.code}`, kind: 'core', parentCode: null, areaCode: regionCode });

    region.cities.forEach((city, cityIndex) => {
      const cityCode = `${regionCode}-C${pad(cityIndex + 1, 2)}`;
      cities.push({ code: cityCode, name: city.name, parentCode: regionCode, timezone: city.timezone ?? null });
      const districtCount = cityIndex === 0 ? 5 + Math.round(region.weight) + int(rng, 0, 3) : int(rng, 2, 5);
      const aggCount = 1 + Math.floor(districtCount / 5);
      for (let a = 1; a <= aggCount; a++) {
        elements.aggregation.push({ code: `AGG-${region.code}-C${pad(cityIndex + 1, 2)}-${a}`, name: `Aggregation ${city.name} #${a}`,
          kind: 'aggregation', parentCode: core, areaCode: cityCode });
      }
      const names = region.locale === 'ru' ? DISTRICTS_RU : DISTRICTS_EN;
      for (let d = 1; d <= Math.min(districtCount, names.length); d++) {
        const districtCode = `${cityCode}-D${pad(d, 2)}`;
        const districtName = region.locale === 'ru' ? `${city.name}, ${names[d - 1]} район` : `${city.name}, ${names[d - 1]}`;
        districts.push({ code: districtCode, name: districtName, parentCode: cityCode, timezone: null });
        const agg = `AGG-${region.code}-C${pad(cityIndex + 1, 2)}-${1 + ((d - 1) % aggCount)}`;
        const accessCount = int(rng, 3, 8);
        for (let e = 1; e <= accessCount; e++) {
          const k = pick(rng, ACCESS_KINDS);
          elements.access.push({ code: `${k.prefix}-${region.code}-C${pad(cityIndex + 1, 2)}-D${pad(d, 2)}-${e}`,
            name: `${k.name} ${districtName} #${e}`, kind: k.kind, parentCode: agg, areaCode: districtCode });
        }
      }
    });

    const staff = regionCode === UNSTAFFED_REGION ? 1 : regionIndex % 3 === 1 ? 2 : 1;
    for (let m = 0; m < staff; m++) {
      const person = personName(rng, region.locale);
      managers.push({
        name: person.name,
        phone: region.dial + pad(101 + managers.length, region.dialDigits),
        email: `${person.slug}@outage-desk.example.net`,
        areaCodes: [regionCode],
        onDuty: regionCode !== UNSTAFFED_REGION,
      });
    }
  });

  areas.push(...cities, ...districts);
  return { areas, elements: [...elements.core, ...elements.aggregation, ...elements.access], managers };
}

/** An area's own zone, else its nearest ancestor's (what the database derives too). */
export function effectiveTimezone(network: DemoNetwork, areaCode: string): string | null {
  const byCode = new Map(network.areas.map((a) => [a.code, a]));
  for (let a = byCode.get(areaCode); a; a = a.parentCode ? byCode.get(a.parentCode) : undefined) {
    if (a.timezone) return a.timezone;
  }
  return null;
}

const QUIET_CUSTOM: [string, string][] = [
  ['22:00', '08:00'], ['23:00', '07:00'], ['20:00', '10:00'], ['22:30', '07:30'], ['00:00', '06:00'], // wrap midnight or start at it
  ['09:00', '17:00'], ['08:00', '15:00'], // night-shift workers sleep by day
  ['00:00', '00:00'], ['12:00', '12:00'], // start == end: never quiet
];

/**
 * `count` subscribers spread over the network's districts (weighted by region), one row at a
 * time in constant memory. Same network, count and seed → the same rows.
 */
export function* generateSubscribers(network: DemoNetwork, count: number, seed = 1): Generator<SubscriberRow> {
  const rng = mulberry32(seed ^ 0x5eed);
  const regionWeight = new Map(REGIONS.map((r) => [`${r.country}-${r.code}`, r]));
  const parentOf = new Map(network.areas.map((a) => [a.code, a.parentCode]));
  const accessByDistrict = new Map<string, string[]>();
  for (const e of network.elements) {
    if (e.kind !== 'core' && e.kind !== 'aggregation' && e.areaCode) {
      const list = accessByDistrict.get(e.areaCode) ?? [];
      list.push(e.code);
      accessByDistrict.set(e.areaCode, list);
    }
  }
  const districts = network.areas.filter((a) => accessByDistrict.has(a.code));
  if (districts.length === 0) throw new Error('the network has no districts with access elements');
  const cityDistricts = new Map<string, number>();
  for (const d of districts) cityDistricts.set(d.parentCode!, (cityDistricts.get(d.parentCode!) ?? 0) + 1);
  // The region's first city (its capital) holds half of the region's subscribers.
  const cumulative: number[] = [];
  let total = 0;
  for (const d of districts) {
    const city = d.parentCode!;
    const regionCode = parentOf.get(city)!;
    const region = regionWeight.get(regionCode);
    const capital = city.endsWith('-C01');
    const cityShare = region ? (capital ? 0.5 : 0.5 / Math.max(1, region.cities.length - 1)) : 1;
    total += ((region?.weight ?? 1) * (region && region.cities.length === 1 ? 1 : cityShare)) / cityDistricts.get(city)!;
    cumulative.push(total);
  }
  const locales = new Map(districts.map((d) => [d.code, regionWeight.get(parentOf.get(d.parentCode!)!)?.locale ?? 'ru']));
  const zones = [...new Set(network.areas.map((a) => a.timezone).filter((z): z is string => !!z))];

  for (let i = 1; i <= count; i++) {
    const x = rng() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    const district = districts[lo].code;
    const access = accessByDistrict.get(district)!;

    const tierRoll = rng();
    const tier = tierRoll < 0.02 ? 'vip' : tierRoll < 0.1 ? 'business' : 'residential';
    // Abroad most speak English; at home a minority prefers it.
    const locale = rng() < (locales.get(district) === 'en' ? 0.8 : 0.14) ? 'en' : 'ru';
    let name: string;
    let slug: string;
    if (tier === 'business' && rng() < 0.6) {
      const [ru, en] = pick(rng, COMPANY_WORDS);
      name = locale === 'ru' ? `ООО «${ru}»` : `${en} Ltd`;
      slug = `office.${en.toLowerCase().replace(/ /g, '')}`;
    } else {
      ({ name, slug } = personName(rng, locale));
    }

    const contact = rng();
    // 3^13 is coprime with 10^7, so every index gets its own number.
    const phone = contact < 0.02 ? null
      : `+7${MOBILE_CODES[i % MOBILE_CODES.length]}${pad((Math.floor(i / MOBILE_CODES.length) * 1594323 + seed * 7919) % 10_000_000, 7)}`;
    const email = contact >= 0.02 && contact < 0.05 ? null : `${slug}.${i}@${MAIL_DOMAINS[i % MAIL_DOMAINS.length]}`;

    let quiet: [string, string] | null = null;
    if (rng() < 0.2) quiet = pick(rng, QUIET_CUSTOM);

    const flagRoll = rng();
    const flags = flagRoll < 0.01 ? ['sensitive'] : flagRoll < 0.015 ? ['24x7'] : [];

    yield {
      externalId: `SUB-${pad(i, 8)}`,
      name,
      phone,
      email,
      locale,
      timezone: rng() < 0.03 ? pick(rng, zones) : null,
      quietStart: quiet ? quiet[0] : null,
      quietEnd: quiet ? quiet[1] : null,
      tier,
      flags,
      areaCode: district,
      accessElementCode: rng() < 0.02 ? null : pick(rng, access),
      sms: rng() < 0.97,
      emailConsent: rng() < 0.95,
    };
  }
}

/** One CSV field, quoted only when it must be (RFC 4180). */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values.map(csvField).join(',') + '\n';
}

/** A whole small CSV document (areas, elements) with a header row. */
export function toCsv<T extends object>(rows: readonly T[], fields: readonly (keyof T & string)[]): string {
  return csvLine(fields) + rows.map((r) => csvLine(fields.map((f) => r[f] as string | null))).join('');
}

export const SUBSCRIBER_CSV_HEADER = csvLine(SUBSCRIBER_FLAT_FIELDS);

export function subscriberCsvLine(r: SubscriberRow): string {
  // Only the name can hold a comma or a quote; the other fields are generated from safe alphabets.
  return `${r.externalId},${csvField(r.name)},${r.phone ?? ''},${r.email ?? ''},${r.locale},${r.timezone ?? ''},` +
    `${r.quietStart ?? ''},${r.quietEnd ?? ''},${r.tier},${r.flags.join(';')},${r.areaCode},${r.accessElementCode ?? ''},` +
    `${r.sms},${r.emailConsent}\n`;
}

/** One NDJSON line; absent values are left out rather than sent as null. */
export function subscriberNdjsonLine(r: SubscriberRow): string {
  const out: Record<string, unknown> = {};
  for (const field of SUBSCRIBER_FLAT_FIELDS) {
    const v = r[field];
    if (v !== null && !(Array.isArray(v) && v.length === 0)) out[field] = v;
  }
  return JSON.stringify(out) + '\n';
}

/**
 * Subscribers as CSV (header first) or NDJSON text in chunks of `rowsPerChunk` rows, ready for
 * `Readable.from(...)`: streaming a million rows never holds more than one chunk.
 */
export function* subscriberChunks(
  network: DemoNetwork,
  count: number,
  opts: { seed?: number; format?: 'csv' | 'ndjson'; rowsPerChunk?: number } = {},
): Generator<string> {
  const format = opts.format ?? 'csv';
  const perChunk = opts.rowsPerChunk ?? 2000;
  const line = format === 'csv' ? subscriberCsvLine : subscriberNdjsonLine;
  let chunk = format === 'csv' ? SUBSCRIBER_CSV_HEADER : '';
  let rows = 0;
  for (const row of generateSubscribers(network, count, opts.seed ?? 1)) {
    chunk += line(row);
    if (++rows === perChunk) {
      yield chunk;
      chunk = '';
      rows = 0;
    }
  }
  if (chunk) yield chunk;
}
