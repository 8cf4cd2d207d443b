/**
 * A timer that an AbortSignal cuts short: resolves after `ms`, or rejects with the signal's reason (an Error
 * "aborted" when it gives none) as soon as the signal fires. Shared by the ARM client's polling and the locks'
 * waits.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const reason = (): unknown => signal?.reason ?? new Error("aborted");
    if (signal?.aborted) return reject(reason());
    const onAbort = (): void => {
      clearTimeout(t);
      reject(reason());
    };
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
