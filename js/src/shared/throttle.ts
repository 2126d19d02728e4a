/** Run an action at most once per interval: now if it has been long enough, else once at the end. */

export interface Throttled {
  /** Ask for a run: immediately, or once when the interval since the last run is over. */
  call(): void;
  /** Run now if a run is waiting (e.g. before the view goes away). */
  flush(): void;
  /** Drop a waiting run. */
  cancel(): void;
  readonly pending: boolean;
}

export function throttle(run: () => void, intervalMs: number, now: () => number = Date.now): Throttled {
  let last = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = (): void => {
    timer = null;
    last = now();
    run();
  };
  return {
    call() {
      if (timer !== null) {
        return;
      }
      const wait = last + intervalMs - now();
      if (wait <= 0) {
        fire();
      } else {
        timer = setTimeout(fire, wait);
      }
    },
    flush() {
      if (timer !== null) {
        clearTimeout(timer);
        fire();
      }
    },
    cancel() {
      if (timer !== null) {
        clearTimeout(timer);
        timer = null;
      }
    },
    get pending() {
      return timer !== null;
    },
  };
}
