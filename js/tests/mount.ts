/** Renders a view into the document against a FakeModel, and undoes every render after a test. */
import type { RenderProps } from "@anywidget/types";
import type { FakeModel, ObjectHash } from "./fake_model";

export interface Mounted<T extends ObjectHash> {
  model: FakeModel<T>;
  el: HTMLElement;
  /** The view's cleanup; runs it once, however often it is called. */
  cleanup: () => void;
}

type Render<T extends ObjectHash> = (props: RenderProps<T>) => () => void;

const mounted: { cleanup: () => void }[] = [];

/** What anywidget passes to `render`: the model, the element, and a host that is never there. */
function renderProps<T extends ObjectHash>(model: FakeModel<T>, el: HTMLElement): RenderProps<T> {
  return {
    model,
    el,
    signal: new AbortController().signal,
    host: {
      getWidget: () => Promise.reject(new Error("no host in tests")),
      getModel: () => Promise.reject(new Error("no host in tests")),
    },
    experimental: { invoke: () => Promise.reject(new Error("no kernel in tests")) },
  };
}

/**
 * Render a view of `model` into a fresh element attached to the document. Mounting the same
 * model twice gives two views of one widget, as two notebook cells showing it.
 */
export function mountView<T extends ObjectHash>(render: Render<T>, model: FakeModel<T>): Mounted<T> {
  const el = document.createElement("div");
  document.body.append(el);
  let cleaned = false;
  const dispose = render(renderProps(model, el));
  const result: Mounted<T> = {
    model,
    el,
    cleanup: () => {
      if (!cleaned) {
        cleaned = true;
        dispose();
      }
    },
  };
  mounted.push(result);
  return result;
}

/** Clean up every view mounted since the last call and empty the document (for `afterEach`). */
export function unmountAll(): void {
  for (const { cleanup } of mounted.splice(0)) {
    cleanup();
  }
  document.body.replaceChildren();
}
