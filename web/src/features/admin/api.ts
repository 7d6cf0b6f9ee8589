import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, send, unwrap } from '../../api/client';
import type { ApiKey, Role } from '../../api/types';
import type { AuditFilter } from './audit-filter';

export const IMPORT_KINDS = ['areas', 'network-elements', 'subscribers'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** NDJSON by its name, CSV otherwise: the api reads either as a stream. */
export function contentTypeOf(fileName: string): string {
  return /\.(ndjson|jsonl)$/i.test(fileName) ? 'application/x-ndjson' : 'text/csv';
}

export function useImport() {
  return useMutation({
    mutationFn: async ({ kind, file }: { kind: ImportKind; file: File }) =>
      (await send(`/v1/imports/${kind}`, { method: 'POST', body: file, headers: { 'Content-Type': contentTypeOf(file.name) } })) as {
        inserted: number;
        updated: number;
      },
  });
}

export function useApiKeys() {
  return useQuery({ queryKey: ['api-keys'], queryFn: async (): Promise<ApiKey[]> => unwrap(await api.GET('/v1/api-keys')) });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: { name: string; role: Role; managerId?: number }) => unwrap(await api.POST('/v1/api-keys', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) => unwrap(await api.DELETE('/v1/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
}

export const AUDIT_PAGE = 50;

/** The audit log, newest first, a page at a time: each "Load more" asks for the rows below the last cursor. */
export function useAuditLog(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: ['audit', filter],
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET('/v1/audit', { params: { query: { ...filter, cursor: pageParam, limit: AUDIT_PAGE } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
