/**
 * A small in-memory stand-in for an anywidget model (a Backbone model in the real front end).
 *
 * It behaves like the real model where the views depend on it:
 * - `set` stores the value and, when it differs (deep equality, like Backbone's `_.isEqual`),
 *   fires `change:<key>` callbacks with `(model, value)` and then a `change` callback;
 * - `on`/`off` follow Backbone's semantics (`off()` with no event removes everything,
 *   `off(event)` removes every callback of that event, `off(event, cb)` removes that one).
 *
 * and it records what the tests need to check: every `on` registration, every listener
 * removed by `off`, every `set` call and every `save_changes` call.
 */
import type { AnyModel } from "@anywidget/types";

// Mirrors @anywidget/types' (unexported) ObjectHash, the constraint of AnyModel<T>.
export type ObjectHash = Record<string, any>;
type Callback = (...args: never[]) => void;

export interface Registration {
  event: string;
  callback: Callback;
}

export interface SetCall<T> {
  key: keyof T;
  value: unknown;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) {
    return true;
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    return false;
  }
  if (Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) {
    return false;
  }
  return aKeys.every(
    (key) =>
      Object.hasOwn(b, key) && deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}

export class FakeModel<T extends ObjectHash> implements AnyModel<T> {
  /** Every `on` call, in order (never shrinks). */
  readonly registrations: Registration[] = [];
  /** Every listener an `off` call removed, in order. */
  readonly removals: Registration[] = [];
  /** Every `set` call, in order, including the ones a test makes to play Python. */
  readonly sets: SetCall<T>[] = [];
  /** Messages passed to `send`. */
  readonly sent: unknown[] = [];
  saveCount = 0;

  readonly widget_manager: AnyModel<T>["widget_manager"] = {
    get_model: () => Promise.reject(new Error("FakeModel has no widget manager.")),
  };

  private readonly state: T;
  private live: Registration[] = [];

  constructor(initial: T) {
    this.state = structuredClone(initial);
  }

  get<K extends keyof T>(key: K): T[K] {
    return this.state[key];
  }

  set<K extends keyof T>(key: K, value: T[K]): void {
    this.sets.push({ key, value });
    const changed = !deepEqual(this.state[key], value);
    this.state[key] = value;
    if (changed) {
      this.emit(`change:${String(key)}`, this, value);
      this.emit("change", this);
    }
  }

  on(event: string, callback: Callback): void {
    const registration = { event, callback };
    this.registrations.push(registration);
    this.live.push(registration);
  }

  off(event?: string | null, callback?: Callback | null): void {
    const matches = (registration: Registration): boolean =>
      (event === undefined || event === null || registration.event === event) &&
      (callback === undefined || callback === null || registration.callback === callback);
    this.removals.push(...this.live.filter(matches));
    this.live = this.live.filter((registration) => !matches(registration));
  }

  save_changes(): void {
    this.saveCount += 1;
  }

  send(content: unknown): void {
    this.sent.push(content);
  }

  /** The listeners registered and not yet removed. */
  get liveListeners(): readonly Registration[] {
    return this.live;
  }

  /** Forget the recorded `set` and `save_changes` calls (not the listeners). */
  clearCalls(): void {
    this.sets.length = 0;
    this.saveCount = 0;
  }

  private emit(event: string, ...args: unknown[]): void {
    // Copy: a callback may add or remove listeners while we iterate.
    for (const { callback } of this.live.filter((registration) => registration.event === event)) {
      (callback as (...values: unknown[]) => void)(...args);
    }
  }
}
