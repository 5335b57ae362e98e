// A deadline for one request or download, as a signal that also follows the caller's.
// AbortSignal.timeout keeps its timer (and the signals composed with it) alive until it fires,
// minutes after the request is done: at 10,000 jobs that is tens of thousands of live timers.
// This one is cleared the moment the work ends.

export interface Deadline {
  /** Aborts when the caller's signal does, or when the time is up. */
  readonly signal: AbortSignal;
  /** True once the time ran out (not when the caller aborted). */
  expired(): boolean;
  /** Drops the timer and the listener; call it when the work is done, whatever its outcome. */
  clear(): void;
}

export function startDeadline(ms: number, parent?: AbortSignal): Deadline {
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort(new DOMException(`deadline of ${ms} ms passed`, 'TimeoutError'));
  }, ms);
  timer.unref?.();
  const follow = () => ctl.abort(parent?.reason);
  if (parent?.aborted) follow();
  else parent?.addEventListener('abort', follow, { once: true });
  return {
    signal: ctl.signal,
    expired: () => timedOut,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', follow);
    },
  };
}
