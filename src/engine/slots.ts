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
  const s: SlotState = { limit: Math.max(1, Math.floor(initialLimit)), inUse: 0, heldUntil: 0, waiters: [] };
  const pump = () => grantFreeSlots(s, now);
  return {
    get inUse() {
      return s.inUse;
    },
    get limit() {
      return s.limit;
    },
    acquire: (signal, opts) => enqueue(s.waiters, pump, signal, opts?.front),
    release() {
      s.inUse = Math.max(0, s.inUse - 1);
      pump();
    },
    setLimit(n) {
      s.limit = Math.max(1, Math.floor(n));
      pump();
    },
    holdUntil(t) {
      if (t <= s.heldUntil) return;
      s.heldUntil = t;
      if (s.timer) {
        clearTimeout(s.timer);
        s.timer = undefined;
      }
      pump();
    },
  };
}

interface Waiter {
  grant: () => void;
}

interface SlotState {
  limit: number;
  inUse: number;
  heldUntil: number;
  /** Set while a hold is pending: wakes the waiters when it ends. */
  timer?: NodeJS.Timeout | undefined;
  waiters: Waiter[];
}

/** Grant slots to the waiters, in order, while there is room and no hold; else wait out the hold. */
function grantFreeSlots(s: SlotState, now: () => number): void {
  const wait = s.heldUntil - now();
  if (wait > 0) {
    if (!s.timer)
      s.timer = setTimeout(() => {
        s.timer = undefined;
        grantFreeSlots(s, now);
      }, wait);
    return;
  }
  while (s.inUse < s.limit && s.waiters.length > 0) {
    const w = s.waiters.shift()!;
    s.inUse++;
    w.grant();
  }
}

/** Queue a waiter (at the front when asked) that resolves when granted and leaves the queue when `signal` aborts. */
function enqueue(waiters: Waiter[], pump: () => void, signal?: AbortSignal, front?: boolean): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const waiter: Waiter = {
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
    if (front) waiters.unshift(waiter);
    else waiters.push(waiter);
    pump();
  });
}
