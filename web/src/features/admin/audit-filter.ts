import { isoToPicked, pickedToIso } from '../../lib/format';

/** What GET /v1/audit filters by; the page's address holds it (?subscriberId=12&from=…), so a filtered view can be linked. */
export interface AuditFilter {
  keyId?: number;
  incidentId?: number;
  subscriberId?: number;
  /** ISO instants: from inclusive, to exclusive */
  from?: string;
  to?: string;
}

/** The form's fields as its inputs give them: ids from number inputs ('' when empty), times from the date-time pickers in the viewer's zone. */
export interface AuditForm {
  keyId: string | null;
  incidentId: number | string;
  subscriberId: number | string;
  from: string | null;
  to: string | null;
}

const ID_FIELDS = ['keyId', 'incidentId', 'subscriberId'] as const;
const TIME_FIELDS = ['from', 'to'] as const;

const positiveId = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n > 0 && n <= 2_147_483_647 ? n : undefined;
};
const instant = (v: string | null): string | undefined => (v && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : undefined);

/** The filter in the page's address; what is not a positive id or an instant is left out (a hand-edited link cannot make the API answer 422). */
export function filterFromSearch(search: URLSearchParams): AuditFilter {
  const filter: AuditFilter = {};
  for (const f of ID_FIELDS) if (positiveId(search.get(f)) !== undefined) filter[f] = positiveId(search.get(f));
  for (const f of TIME_FIELDS) if (instant(search.get(f)) !== undefined) filter[f] = instant(search.get(f));
  return filter;
}

export function searchOf(filter: AuditFilter): URLSearchParams {
  const search = new URLSearchParams();
  for (const f of [...ID_FIELDS, ...TIME_FIELDS]) if (filter[f] !== undefined) search.set(f, String(filter[f]));
  return search;
}

export function formToFilter(form: AuditForm): AuditFilter {
  return filterFromSearch(new URLSearchParams(Object.entries({
    keyId: form.keyId ?? '', incidentId: String(form.incidentId), subscriberId: String(form.subscriberId),
    from: pickedToIso(form.from) ?? '', to: pickedToIso(form.to) ?? '',
  })));
}

/** The filter back in the form's terms: times as the pickers hold them, in the viewer's zone. */
export function filterToForm(filter: AuditFilter): AuditForm {
  return {
    keyId: filter.keyId === undefined ? null : String(filter.keyId),
    incidentId: filter.incidentId ?? '',
    subscriberId: filter.subscriberId ?? '',
    from: filter.from ? isoToPicked(filter.from) : null,
    to: filter.to ? isoToPicked(filter.to) : null,
  };
}

/** A time range whose end is not after its start matches nothing: the API refuses it, so the form says so first. */
export function rangeError(form: Pick<AuditForm, 'from' | 'to'>): 'to' | null {
  const from = pickedToIso(form.from);
  const to = pickedToIso(form.to);
  return from && to && Date.parse(to) <= Date.parse(from) ? 'to' : null;
}

/** The colour of an answer's status: done, refused, failed. */
export function statusColor(status: number): 'green' | 'orange' | 'red' {
  return status < 400 ? 'green' : status < 500 ? 'orange' : 'red';
}
