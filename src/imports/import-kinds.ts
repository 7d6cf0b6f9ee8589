import { FieldError, FieldReader } from '../common/validation';
import { AREA_FIELDS, readArea } from '../areas/area-input';
import { NETWORK_ELEMENT_FIELDS, readNetworkElement } from '../network/network-element-input';
import { readSubscriber, SUBSCRIBER_FLAT_FIELDS, withDefaults } from '../subscribers/subscriber-input';
import { CopyValue } from './copy-text';
import { Columns } from './records';

export type ImportKindName = 'areas' | 'network-elements' | 'subscribers';

/**
 * What one kind of import reads from a line, in the same rules as the single-record API, and
 * the staging columns its values go to (in this order, after the line number).
 */
export interface ImportKind {
  name: ImportKindName;
  columns: Columns;
  staging: ReadonlyArray<readonly [name: string, type: string]>;
  read(raw: Record<string, unknown>, ctx: { region: string; csv: boolean }): { row?: CopyValue[]; errors: FieldError[] };
}


export const AREAS_IMPORT: ImportKind = {
  name: 'areas',
  columns: { known: AREA_FIELDS, required: ['code', 'name'] },
  staging: [
    ['code', 'text NOT NULL'],
    ['name', 'text NOT NULL'],
    ['parent_code', 'text'],
    ['timezone', 'text'],
  ],
  read(raw) {
    const r = new FieldReader(raw);
    const a = readArea(r);
    const row = [a.code, a.name, a.parentCode, a.timezone];
    return r.errors.length ? { errors: r.errors } : { row, errors: [] };
  },
};

export const NETWORK_ELEMENTS_IMPORT: ImportKind = {
  name: 'network-elements',
  columns: { known: NETWORK_ELEMENT_FIELDS, required: ['code', 'name', 'kind'] },
  staging: [
    ['code', 'text NOT NULL'],
    ['name', 'text NOT NULL'],
    ['kind', 'text NOT NULL'],
    ['parent_code', 'text'],
    ['area_code', 'text'],
  ],
  read(raw) {
    const r = new FieldReader(raw);
    const e = readNetworkElement(r);
    const row = [e.code, e.name, e.kind, e.parentCode, e.areaCode];
    return r.errors.length ? { errors: r.errors } : { row, errors: [] };
  },
};

export const SUBSCRIBERS_IMPORT: ImportKind = {
  name: 'subscribers',
  columns: { known: SUBSCRIBER_FLAT_FIELDS, required: ['externalId', 'name', 'areaCode'], oneOf: ['phone', 'email'] },
  staging: [
    ['external_id', 'text NOT NULL'],
    ['name', 'text NOT NULL'],
    ['phone', 'text'],
    ['email', 'text'],
    ['locale', 'text NOT NULL'],
    ['timezone', 'text'],
    ['quiet_start', 'smallint'],
    ['quiet_end', 'smallint'],
    ['tier', 'subscriber_tier NOT NULL'],
    ['flags', 'text[] NOT NULL'],
    ['area_code', 'text NOT NULL'],
    ['access_element_code', 'text'],
    ['sms_consent', 'boolean NOT NULL'],
    ['email_consent', 'boolean NOT NULL'],
  ],
  read(raw, { region, csv }) {
    // NDJSON lines may use the API's nested shape or the flat CSV names.
    const flat = csv || !('quietHours' in raw || 'channels' in raw);
    const { value, errors } = readSubscriber(raw, region, { flat });
    if (!value) return { errors };
    const s = withDefaults(value);
    const row = [
      s.externalId, s.name, s.phone, s.email, s.locale, s.timezone, s.quietStart, s.quietEnd, s.tier, s.flags,
      s.areaCode, s.accessElementCode, s.smsConsent, s.emailConsent,
    ];
    return { row, errors: [] };
  },
};

export const IMPORT_KINDS: Record<ImportKindName, ImportKind> = {
  areas: AREAS_IMPORT,
  'network-elements': NETWORK_ELEMENTS_IMPORT,
  subscribers: SUBSCRIBERS_IMPORT,
};
