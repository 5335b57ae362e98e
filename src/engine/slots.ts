// A counting semaphore whose limit can move while it is in use (for `concurrency: auto`),
// and whose waiters leave at once when their signal aborts. Waiters are served in order.
export interface Slots {
  /** Wait for a slot; `front` jumps the queue (a job sent back by a 429 keeps its place in file order). */
  acquire(signal?: AbortSignal, opts?: { front?: boolean }): Promise<void>;
  release(): void;
  setLimit(limit: number): void;
  /** Hold every new acquire until this time (a Retry-After). */
  holdUntil(epochMs: number): void;
  readonly inUse: number;
  readonly limit: number;
}

export function createSlots(initialLimit: number, now: () => number = Date.now): Slots {
  let limit = Math.max(1, Math.floor(initialLimit));
  let inUse = 0;
  let heldUntil = 0;
  let timer: NodeJS.Timeout | undefined;
  const waiters: Array<{ grant: () => void }> = [];

  function pump(): void {
    const wait = heldUntil - now();
    if (wait > 0) {
      if (!timer)
        timer = setTimeout(() => {
          timer = undefined;
          pump();
        }, wait);
      return;
    }
    while (inUse < limit && waiters.length > 0) {
      const w = waiters.shift()!;
      inUse++;
      w.grant();
    }
  }

  return {
    get inUse() {
      return inUse;
    },
    get limit() {
      return limit;
    },
    acquire(signal, opts) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          reject(signal!.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        if (opts?.front) waiters.unshift(waiter);
        else waiters.push(waiter);
        pump();
      });
    },
    release() {
      inUse = Math.max(0, inUse - 1);
      pump();
    },
    setLimit(n) {
      limit = Math.max(1, Math.floor(n));
      pump();
    },
    holdUntil(t) {
      if (t <= heldUntil) return;
      heldUntil = t;
      if (timer) {
        clearTimeout(timer);
        timer = undefined;
      }
      pump();
    },
  };
}
