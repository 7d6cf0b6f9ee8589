import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

/** Replies and ratings, newest first (a manager key gets only its incidents'); with an incident, its rating summary. */
export function useFeedback(incidentId: number | undefined) {
  return useQuery({
    queryKey: ['feedback', incidentId ?? 'all'],
    queryFn: async () => unwrap(await api.GET('/v1/feedback', { params: { query: { limit: 100, incidentId } } })),
    refetchInterval: 30_000,
  });
}
