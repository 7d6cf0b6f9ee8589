import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client';
import type { AreaSummary, ElementSummary } from './types';

/** Type-ahead over reference data, shared by the features that pick areas and elements. */
export function useAreaSearch(q: string) {
  return useQuery({
    queryKey: ['areas', q],
    queryFn: async (): Promise<AreaSummary[]> => unwrap(await api.GET('/v1/areas', { params: { query: { q: q || undefined, limit: 20 } } })).items,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}

export function useElementSearch(q: string) {
  return useQuery({
    queryKey: ['network-elements', q],
    queryFn: async (): Promise<ElementSummary[]> =>
      unwrap(await api.GET('/v1/network-elements', { params: { query: { q: q || undefined, limit: 20 } } })).items,
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
