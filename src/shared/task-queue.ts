// A bounded task queue: at most `concurrency` tasks run at once, the rest wait in order.
// A task that throws is dropped (callers handle their own errors); `idle` waits until nothing
// runs or waits. The engine's Atlas slots need more (a moving limit, holds, abortable waits):
// they are engine/slots.ts.

export interface TaskQueue {
  push(task: () => Promise<void>): void;
  /** Resolves once no task runs or waits. */
  idle(): Promise<void>;
  /** Drop every task not yet started. */
  clear(): void;
}

export function createTaskQueue(concurrency: number): TaskQueue {
  const limit = Math.max(1, Math.floor(concurrency));
  const waiting: (() => Promise<void>)[] = [];
  let active = 0;
  let idlers: (() => void)[] = [];

  const pump = () => {
    while (active < limit && waiting.length > 0) {
      const task = waiting.shift()!;
      active++;
      void task()
        .catch(() => undefined)
        .finally(() => {
          active--;
          pump();
        });
    }
    if (active === 0 && waiting.length === 0) {
      const wake = idlers;
      idlers = [];
      for (const w of wake) w();
    }
  };

  return {
    push(task) {
      waiting.push(task);
      pump();
    },
    idle() {
      if (active === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise((resolve) => idlers.push(resolve));
    },
    clear() {
      waiting.length = 0;
    },
  };
}
