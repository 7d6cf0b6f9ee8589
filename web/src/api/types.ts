import type { components } from './schema';

type S = components['schemas'];
export type Me = S['MeDto'];
export type Incident = S['IncidentDto'];
export type IncidentDetail = S['IncidentDetailDto'];
export type Preview = S['PreviewDto'];
export type CallEntry = S['CallEntryDto'];
export type AreaSummary = S['AreaSummaryDto'];
export type ElementSummary = S['NetworkElementSummaryDto'];
export type ApiKey = S['ApiKeyDto'];
export type AuditEntry = S['AuditEntryDto'];
export type Role = Me['role'];

/** The detail's stats, which the document gives only as an object. */
export interface IncidentStats {
  affected: number;
  callList?: { total: number; pending: number };
  threads?: Record<string, Record<string, number>>;
  messages?: Record<string, Record<string, number>>;
  countsAt?: string;
}
export type IncidentProgress = S['IncidentProgressDto'];
