export type Probe<T> = () => T | undefined | false | Promise<T | undefined | false>;

/**
 * Polls `probe` until it gives something truthy and returns that; fails naming `what` once
 * `deadlineMs` has passed. The probe may be synchronous or return a promise.
 */
export async function waitFor<T>(probe: Probe<T>, what: string, deadlineMs = 10_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
