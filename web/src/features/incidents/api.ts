import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';
import type { Incident, IncidentDetail, IncidentProgress, Preview } from '../../api/types';

/** How often live counts are asked again: the api answers from its last count of the incident (see `countsAt`), recounting in the background. */
export const POLL_MS = 5_000;

type Declare = components['schemas']['DeclareIncidentDto'];
type Update = components['schemas']['UpdateIncidentDto'];

export function useOpenIncidents(filter: { managerId?: number } = {}) {
  return useQuery({
    queryKey: ['incidents', 'open', filter],
    queryFn: async () =>
      unwrap(await api.GET('/v1/incidents', { params: { query: { status: 'open', limit: 100, managerId: filter.managerId } } })),
    refetchInterval: POLL_MS,
  });
}

export function useIncident(id: number, options: { poll?: boolean } = {}) {
  return useQuery({
    queryKey: ['incident', id],
    queryFn: async (): Promise<IncidentDetail> => unwrap(await api.GET('/v1/incidents/{id}', { params: { path: { id } } })),
    refetchInterval: options.poll === false ? false : POLL_MS,
  });
}

/** The details (with counts) of every incident on the board, each polled on its own. */
export function useIncidentDetails(incidents: Incident[] | undefined) {
  return useQueries({
    queries: (incidents ?? []).map((i) => ({
      queryKey: ['incident', i.id],
      queryFn: async (): Promise<IncidentDetail> => unwrap(await api.GET('/v1/incidents/{id}', { params: { path: { id: i.id } } })),
      refetchInterval: POLL_MS,
    })),
  });
}

export function usePreview() {
  return useMutation({
    mutationFn: async (scope: { areaCodes: string[]; elementCodes: string[] }): Promise<Preview> =>
      unwrap(await api.POST('/v1/incidents/preview', { body: { scope } })),
  });
}

export function useDeclareIncident() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: Declare): Promise<Incident> => unwrap(await api.POST('/v1/incidents', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['incidents'] }),
  });
}

function useIncidentChange<T>(run: (id: number, body: T) => Promise<IncidentDetail>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: T }) => run(id, body),
    onSuccess: (detail) => {
      client.setQueryData(['incident', detail.id], detail);
      client.invalidateQueries({ queryKey: ['incidents'] });
    },
  });
}

export function useUpdateIncident() {
  return useIncidentChange(async (id, body: Update) => unwrap(await api.POST('/v1/incidents/{id}/updates', { params: { path: { id } }, body })));
}

export function useResolveIncident() {
  return useIncidentChange(async (id, body: components['schemas']['ResolveIncidentDto']) =>
    unwrap(await api.POST('/v1/incidents/{id}/resolve', { params: { path: { id } }, body })));
}

export function useCancelIncident() {
  return useIncidentChange(async (id, body: { reason: string }) =>
    unwrap(await api.POST('/v1/incidents/{id}/cancel', { params: { path: { id } }, body })));
}

/** Outage managers on duty, for reassigning an incident. */
export function useOnDutyManagers(enabled: boolean) {
  return useQuery({
    queryKey: ['outage-managers'],
    queryFn: async () => unwrap(await api.GET('/v1/outage-managers')).filter((m) => m.onDuty),
    enabled,
    staleTime: 30_000,
  });
}

export function useAssignManager() {
  return useIncidentChange(async (id, body: { managerId: number }) =>
    unwrap(await api.PUT('/v1/incidents/{id}/manager', { params: { path: { id } }, body })));
}

export function useIncidentProgress(id: number) {
  return useQuery({
    queryKey: ['incident-progress', id],
    queryFn: async (): Promise<IncidentProgress> => unwrap(await api.GET('/v1/incidents/{id}/progress', { params: { path: { id } } })),
    refetchInterval: POLL_MS,
  });
}
