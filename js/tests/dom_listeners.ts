/** Records every DOM listener added and removed, to check that a view's cleanup removes all it added. */
import { vi } from "vitest";

export interface DomListener {
  target: unknown;
  type: string;
  listener: unknown;
  capture: boolean;
}

function captureOf(options: boolean | EventListenerOptions | undefined): boolean {
  return typeof options === "boolean" ? options : (options?.capture ?? false);
}

/**
 * The prototype whose addEventListener DOM nodes actually call. In a browser it is
 * EventTarget.prototype; happy-dom's global EventTarget is a per-window subclass that nodes
 * do not inherit from, so spying on the global's prototype would see no call at all.
 */
function eventTargetPrototype(): EventTarget {
  let proto: object | null = Node.prototype;
  while (proto !== null && !Object.hasOwn(proto, "addEventListener")) {
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  if (proto === null) {
    throw new Error("no addEventListener in the prototype chain of Node");
  }
  return proto as EventTarget;
}

/** Start recording; `stop()` restores the real methods and returns what was added and not removed. */
export function recordDomListeners(): { added: () => DomListener[]; stop: () => DomListener[] } {
  const add = vi.spyOn(eventTargetPrototype(), "addEventListener");
  const remove = vi.spyOn(eventTargetPrototype(), "removeEventListener");
  const list = (spy: typeof add | typeof remove): DomListener[] =>
    spy.mock.calls.map(([type, listener, options], index) => ({
      target: spy.mock.contexts[index],
      type,
      listener,
      capture: captureOf(options),
    }));
  return {
    added: () => list(add),
    stop: () => {
      const added = list(add);
      const removed = list(remove);
      add.mockRestore();
      remove.mockRestore();
      return added.filter(
        (one) =>
          !removed.some(
            (other) =>
              other.target === one.target &&
              other.type === one.type &&
              other.listener === one.listener &&
              other.capture === one.capture,
          ),
      );
    },
  };
}
