/** The API key lives in sessionStorage only: it is gone when the tab closes. */
const KEY = 'outage-notifier.apiKey';
type Listener = () => void;
const listeners = new Set<Listener>();

export function getApiKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function setApiKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

/** Called when the key changes (sign in, sign out, a 401). */
export function onApiKeyChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
