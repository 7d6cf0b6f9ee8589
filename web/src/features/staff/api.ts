import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type OutageManager = components['schemas']['OutageManagerDto'];

export function useManagers() {
  return useQuery({ queryKey: ['outage-managers'], queryFn: async () => unwrap(await api.GET('/v1/outage-managers')) });
}

export function useCreateManager() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: components['schemas']['CreateOutageManagerDto']) => unwrap(await api.POST('/v1/outage-managers', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['outage-managers'] }),
  });
}

/** On / off duty (NOC may), or other fields (admin). */
export function usePatchManager() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: number; body: components['schemas']['PatchOutageManagerDto'] }) =>
      unwrap(await api.PATCH('/v1/outage-managers/{id}', { params: { path: { id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['outage-managers'] }),
  });
}
