import { describe, expect, it } from 'vitest';
import { filterFromSearch, filterToForm, formToFilter, rangeError, searchOf, statusColor } from './audit-filter';

describe(filterFromSearch.name, () => {
  it('should read ids and instants from the address when they are well formed', () => {
    expect(filterFromSearch(new URLSearchParams('keyId=3&incidentId=12&subscriberId=40&from=2026-12-03T01:00:00.000Z&to=2026-12-03T02:00:00Z')))
      .toEqual({ keyId: 3, incidentId: 12, subscriberId: 40, from: '2026-12-03T01:00:00.000Z', to: '2026-12-03T02:00:00.000Z' });
  });

  it('should leave out what the API would refuse when the address was edited by hand', () => {
    expect(filterFromSearch(new URLSearchParams('keyId=0&incidentId=-1&subscriberId=1.5&from=soon&to=&cursor=9&limit=5000'))).toEqual({});
    expect(filterFromSearch(new URLSearchParams('subscriberId=99999999999'))).toEqual({});
  });
});

describe(searchOf.name, () => {
  it('should write only the fields set, so the address reads back as the same filter', () => {
    const filter = { subscriberId: 7, from: '2026-12-03T01:00:00.000Z' };
    expect(searchOf(filter).toString()).toBe('subscriberId=7&from=2026-12-03T01%3A00%3A00.000Z');
    expect(filterFromSearch(searchOf(filter))).toEqual(filter);
  });
});

describe(formToFilter.name, () => {
  it('should turn picked local times into instants and empty inputs into nothing', () => {
    const filter = formToFilter({ keyId: '2', incidentId: '', subscriberId: 15, from: '2026-12-03 09:30:00', to: null });
    expect(filter).toEqual({ keyId: 2, subscriberId: 15, from: new Date(2026, 11, 3, 9, 30).toISOString() });
  });

  it('should give back the same form when the filter goes to the address and back', () => {
    const form = { keyId: '4', incidentId: 9, subscriberId: '' as const, from: '2026-12-03 09:30:00', to: '2026-12-04 00:00:00' };
    expect(filterToForm(filterFromSearch(searchOf(formToFilter(form))))).toEqual(form);
  });
});

describe(rangeError.name, () => {
  it('should name the end when it is not after the start', () => {
    expect(rangeError({ from: '2026-12-03 10:00:00', to: '2026-12-03 10:00:00' })).toBe('to');
    expect(rangeError({ from: '2026-12-03 10:00:00', to: '2026-12-03 09:00:00' })).toBe('to');
  });

  it('should accept an open or well-ordered range', () => {
    expect(rangeError({ from: '2026-12-03 10:00:00', to: '2026-12-03 10:01:00' })).toBeNull();
    expect(rangeError({ from: null, to: '2026-12-03 09:00:00' })).toBeNull();
  });
});

describe(statusColor.name, () => {
  it('should tell done, refused and failed apart', () => {
    expect([200, 201, 204, 403, 422, 500, 503].map(statusColor)).toEqual(['green', 'green', 'green', 'orange', 'orange', 'red', 'red']);
  });
});
