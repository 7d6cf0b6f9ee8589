import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { CallEntry } from '../../api/types';

export const OUTCOMES = ['reached', 'voicemail', 'no_answer', 'callback_requested', 'wrong_number'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The ranked call list, every row (called ones too), a page at a time; the cursor travels in X-Next-Cursor. */
export function useCallList(incidentId: number) {
  return useInfiniteQuery({
    queryKey: ['call-list', incidentId],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      const r = await api.GET('/v1/incidents/{id}/call-list', {
        params: { path: { id: incidentId }, query: { status: 'all', limit: 200, cursor: pageParam } },
      });
      const items: CallEntry[] = unwrap(r);
      return { items, next: r.response.headers.get('X-Next-Cursor') ?? undefined, total: Number(r.response.headers.get('X-Total-Count') ?? items.length) };
    },
    getNextPageParam: (last) => last.next,
  });
}

export function useLogCall(incidentId: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { subscriberId: number; outcome: Outcome; note?: string; callbackAt?: string }) =>
      unwrap(await api.POST('/v1/incidents/{id}/calls', { params: { path: { id: incidentId } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['call-list', incidentId] }),
  });
}
