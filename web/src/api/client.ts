import createClient from 'openapi-fetch';
import { getApiKey, setApiKey } from '../lib/session';
import type { paths } from './schema';

/** The API's error body: {error: {code, message, details}}. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: Array<{ field?: string; line?: number; message: string }> };
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly body: ApiErrorBody | undefined) {
    super(body?.error?.message ?? `HTTP ${status}`);
  }
  get details() {
    return this.body?.error?.details ?? [];
  }
}

/** The one client: typed by the OpenAPI document, the key attached here, a 401 handled here. */
export const api = createClient<paths>({ baseUrl: '' });

api.use({
  onRequest({ request }) {
    const key = getApiKey();
    if (key) request.headers.set('Authorization', `Bearer ${key}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) setApiKey(null); // back to sign-in
    return response;
  },
});

/** The data of an openapi-fetch answer, or an ApiError to throw into the query cache. */
export function unwrap<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (!r.response.ok) throw new ApiError(r.response.status, r.error as ApiErrorBody | undefined);
  return r.data as T;
}

/** A raw request (uploads): same key, same 401 handling. */
export async function send(path: string, init: RequestInit): Promise<unknown> {
  const key = getApiKey();
  const res = await fetch(path, { ...init, headers: { ...(init.headers ?? {}), ...(key ? { Authorization: `Bearer ${key}` } : {}) } });
  if (res.status === 401) setApiKey(null);
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}
