import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api, unwrap } from '../../api/client';
import type { Me } from '../../api/types';
import { getApiKey, onApiKeyChange } from '../../lib/session';

/** The key of this tab, re-rendering on sign in, sign out and 401. */
export function useApiKey(): string | null {
  return useSyncExternalStore(onApiKeyChange, getApiKey);
}

export function useMe(key: string | null) {
  return useQuery({
    queryKey: ['me', key],
    queryFn: async (): Promise<Me> => unwrap(await api.GET('/v1/me')),
    enabled: !!key,
    staleTime: 60_000,
  });
}

/** Asks who a key belongs to without keeping it: a wrong key answers 401. */
export async function checkKey(key: string): Promise<Me | null> {
  const res = await fetch('/v1/me', { headers: { Authorization: `Bearer ${key}` } });
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}
