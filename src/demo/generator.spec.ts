import { IANAZone } from 'luxon';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { readSubscriber, SUBSCRIBER_FLAT_FIELDS } from '../subscribers/subscriber-input';
import {
  AREA_FIELDS,
  effectiveTimezone,
  ELEMENT_FIELDS,
  generateNetwork,
  generateSubscribers,
  SUBSCRIBER_CSV_HEADER,
  subscriberChunks,
  subscriberCsvLine,
  subscriberNdjsonLine,
  SubscriberRow,
  toCsv,
  UNSTAFFED_REGION,
} from './generator';

const SAMPLE = 20_000;

function isValidPhone(phone: string): boolean {
  const parsed = parsePhoneNumberFromString(phone);
  return !!parsed && parsed.isValid() && parsed.number === phone;
}

function hasDst(zone: string): boolean {
  const z = IANAZone.create(zone);
  return z.offset(Date.UTC(2025, 0, 15)) !== z.offset(Date.UTC(2025, 6, 15));
}

/** Naive CSV split, good enough for rows whose only quoted field is the name. */
function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; }
    else cur += c;
  }
  out.push(cur);
  return out;
}

describe(generateNetwork.name, () => {
  const sut = generateNetwork();
  const areaCodes = new Set(sut.areas.map((a) => a.code));
  const elementCodes = new Set(sut.elements.map((e) => e.code));

  it('should return byte-identical output when the seed is the same', () => {
    const again = generateNetwork();
    expect(toCsv(again.areas, AREA_FIELDS)).toBe(toCsv(sut.areas, AREA_FIELDS));
    expect(toCsv(again.elements, ELEMENT_FIELDS)).toBe(toCsv(sut.elements, ELEMENT_FIELDS));
    expect(JSON.stringify(again.managers)).toBe(JSON.stringify(sut.managers));
  });

  it('should differ when the seed differs', () => {
    expect(toCsv(generateNetwork(2).elements, ELEMENT_FIELDS)).not.toBe(toCsv(sut.elements, ELEMENT_FIELDS));
  });

  it('should list parents before children with unique codes and only known zones', () => {
    const seen = new Set<string>();
    for (const a of sut.areas) {
      if (a.parentCode) expect(seen.has(a.parentCode)).toBe(true);
      expect(seen.has(a.code)).toBe(false);
      seen.add(a.code);
      if (a.timezone) expect(IANAZone.isValidZone(a.timezone)).toBe(true);
    }
    const seenElements = new Set<string>();
    for (const e of sut.elements) {
      if (e.parentCode) expect(seenElements.has(e.parentCode)).toBe(true);
      if (e.areaCode) expect(areaCodes.has(e.areaCode)).toBe(true);
      seenElements.add(e.code);
    }
    expect(seenElements.size).toBe(sut.elements.length);
  });

  it('should span at least 8 zones, 3 of them with daylight saving time', () => {
    const zones = new Set(sut.areas.map((a) => effectiveTimezone(sut, a.code)));
    expect(zones.size).toBeGreaterThanOrEqual(8);
    expect([...zones].filter((z) => hasDst(z!)).length).toBeGreaterThanOrEqual(3);
    expect(zones).toContain('Europe/Kaliningrad');
    expect(zones).toContain('Asia/Vladivostok');
  });

  it('should build core, aggregation and a few hundred to a few thousand access elements in districts', () => {
    const byCode = new Map(sut.elements.map((e) => [e.code, e]));
    const parentAreas = new Set(sut.areas.map((a) => a.parentCode));
    const access = sut.elements.filter((e) => e.kind !== 'core' && e.kind !== 'aggregation');
    expect(access.length).toBeGreaterThan(300);
    expect(access.length).toBeLessThan(5000);
    for (const e of access) {
      expect(byCode.get(e.parentCode!)!.kind).toBe('aggregation');
      expect(parentAreas.has(e.areaCode)).toBe(false); // a leaf area: a district
    }
    for (const e of sut.elements.filter((x) => x.kind === 'aggregation')) expect(byCode.get(e.parentCode!)!.kind).toBe('core');
    expect(new Set(access.map((e) => e.kind))).toEqual(new Set(['olt', 'dslam', 'cell', 'fibre-node']));
  });

  it('should give every region a manager, some two, and one region only an off-duty one', () => {
    const regions = sut.areas.filter((a) => a.parentCode && !a.parentCode.includes('-'));
    const staff = (code: string) => sut.managers.filter((m) => m.areaCodes.includes(code));
    for (const r of regions) expect(staff(r.code).length).toBeGreaterThanOrEqual(1);
    expect(regions.some((r) => staff(r.code).length === 2)).toBe(true);
    expect(staff(UNSTAFFED_REGION).map((m) => m.onDuty)).toEqual([false]);
    for (const m of sut.managers) {
      expect(isValidPhone(m.phone)).toBe(true);
      for (const code of m.areaCodes) expect(areaCodes.has(code)).toBe(true);
    }
    expect(elementCodes.size).toBe(sut.elements.length);
  });
});

describe(generateSubscribers.name, () => {
  const network = generateNetwork();
  const rows: SubscriberRow[] = [...generateSubscribers(network, SAMPLE)];
  const share = (test: (r: SubscriberRow) => boolean) => rows.filter(test).length / rows.length;

  it('should return byte-identical rows when the seed is the same, and others when it differs', () => {
    const text = (seed: number) => [...subscriberChunks(network, 3000, { seed })].join('');
    expect(text(1)).toBe(text(1));
    expect(text(2)).not.toBe(text(1));
  });

  it('should spread subscribers over at least 8 effective zones, 3 of them with DST', () => {
    const zones = new Set(rows.map((r) => r.timezone ?? effectiveTimezone(network, r.areaCode)));
    expect(zones.size).toBeGreaterThanOrEqual(8);
    expect([...zones].filter((z) => hasDst(z!)).length).toBeGreaterThanOrEqual(3);
  });

  it('should produce only valid E.164 phones, unique ids, phones and emails', () => {
    const phones = rows.flatMap((r) => (r.phone ? [r.phone] : []));
    expect(phones.every(isValidPhone)).toBe(true);
    expect(new Set(phones).size).toBe(phones.length);
    const emails = rows.flatMap((r) => (r.email ? [r.email] : []));
    expect(new Set(emails).size).toBe(emails.length);
    expect(new Set(rows.map((r) => r.externalId)).size).toBe(rows.length);
  });

  it('should reference only existing districts and access elements of that district', () => {
    const elementArea = new Map(network.elements.map((e) => [e.code, e.areaCode]));
    const parents = new Set(network.areas.map((a) => a.parentCode));
    const areas = new Set(network.areas.map((a) => a.code));
    for (const r of rows) {
      expect(areas.has(r.areaCode) && !parents.has(r.areaCode)).toBe(true);
      if (r.accessElementCode) expect(elementArea.get(r.accessElementCode)).toBe(r.areaCode);
    }
  });

  it('should pass the import validation, in CSV and NDJSON alike', () => {
    expect(SUBSCRIBER_CSV_HEADER.trim().split(',')).toEqual([...SUBSCRIBER_FLAT_FIELDS]);
    for (const r of rows.slice(0, 3000)) {
      const json = JSON.parse(subscriberNdjsonLine(r));
      expect(readSubscriber(json, 'RU', { flat: true }).errors).toEqual([]);
      const cells = splitCsv(subscriberCsvLine(r).trimEnd());
      const csv = Object.fromEntries(SUBSCRIBER_FLAT_FIELDS.map((f, i) => [f, cells[i]]));
      expect(cells).toHaveLength(SUBSCRIBER_FLAT_FIELDS.length);
      const fromCsv = readSubscriber(csv, 'RU', { flat: true });
      expect(fromCsv.errors).toEqual([]);
      expect(fromCsv.value).toEqual(readSubscriber(json, 'RU', { flat: true }).value);
    }
  });

  it('should mix locales, tiers, flags, contacts and quiet hours roughly as specified', () => {
    expect(share((r) => r.locale === 'en')).toBeGreaterThan(0.1);
    expect(share((r) => r.locale === 'en')).toBeLessThan(0.2);
    expect(share((r) => r.tier === 'residential')).toBeCloseTo(0.9, 1);
    expect(share((r) => r.tier === 'business')).toBeGreaterThan(0.06);
    expect(share((r) => r.tier === 'business')).toBeLessThan(0.1);
    expect(share((r) => r.tier === 'vip')).toBeGreaterThan(0.01);
    expect(share((r) => r.tier === 'vip')).toBeLessThan(0.03);
    expect(share((r) => r.flags.includes('sensitive'))).toBeGreaterThan(0.005);
    expect(share((r) => r.flags.includes('sensitive'))).toBeLessThan(0.015);
    expect(share((r) => r.flags.includes('24x7'))).toBeGreaterThan(0.002);
    expect(share((r) => r.flags.includes('24x7'))).toBeLessThan(0.008);
    expect(share((r) => r.quietStart !== null)).toBeCloseTo(0.2, 1);
    expect(rows.some((r) => r.quietStart !== null && r.quietStart > r.quietEnd!)).toBe(true); // wraps midnight
    expect(rows.some((r) => r.quietStart !== null && r.quietStart < r.quietEnd!)).toBe(true);
    expect(rows.some((r) => r.quietStart !== null && r.quietStart === r.quietEnd)).toBe(true); // never quiet
    expect(share((r) => r.timezone !== null)).toBeGreaterThan(0.02);
    expect(share((r) => r.timezone !== null)).toBeLessThan(0.04);
    expect(share((r) => r.email === null)).toBeGreaterThan(0.02);
    expect(share((r) => r.email === null)).toBeLessThan(0.04);
    expect(share((r) => r.phone === null)).toBeGreaterThan(0.01);
    expect(share((r) => r.phone === null)).toBeLessThan(0.03);
    expect(rows.every((r) => r.phone !== null || r.email !== null)).toBe(true);
    expect(share((r) => r.accessElementCode === null)).toBeGreaterThan(0.005);
    expect(share((r) => r.sms)).toBeGreaterThan(0.9);
    expect(share((r) => r.emailConsent)).toBeGreaterThan(0.9);
  });

  it('should stream CSV chunks with one header and one line per row', () => {
    const text = [...subscriberChunks(network, 4500, { rowsPerChunk: 1000 })].join('');
    const lines = text.trimEnd().split('\n');
    expect(lines[0] + '\n').toBe(SUBSCRIBER_CSV_HEADER);
    expect(lines).toHaveLength(4501);
    const ndjson = [...subscriberChunks(network, 10, { format: 'ndjson' })].join('').trimEnd().split('\n');
    expect(ndjson.map((l) => JSON.parse(l).externalId)).toEqual(rows.slice(0, 10).map((r) => r.externalId));
  });
});
