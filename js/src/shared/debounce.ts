/** Run an action once input has paused: each call restarts the wait (e.g. a note being typed). */

export interface Debounced {
  /** Ask for a run once `waitMs` pass without another call. */
  call(): void;
  /** Run now if a run is waiting (on blur, before the view goes away). */
  flush(): void;
  /** Drop a waiting run. */
  cancel(): void;
  readonly pending: boolean;
}

export function debounce(run: () => void, waitMs: number): Debounced {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = (): void => {
    timer = null;
    run();
  };
  return {
    call() {
      if (timer !== null) {
        clearTimeout(timer);
      }
      timer = setTimeout(fire, waitMs);
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
