/** Keeps every listener a view adds, so that one call removes them all. */

/** The part of an anywidget model that listeners need. */
export interface Observable {
  on(event: string, callback: () => void): void;
  off(event: string, callback: () => void): void;
}

export class Listeners {
  private readonly removers: Array<() => void> = [];

  /** Add a DOM listener that {@link dispose} removes. */
  dom<K extends keyof HTMLElementEventMap>(
    target: HTMLElement,
    type: K,
    handler: (event: HTMLElementEventMap[K]) => void,
  ): void {
    target.addEventListener(type, handler);
    this.removers.push(() => target.removeEventListener(type, handler));
  }

  /** Add a model listener (e.g. "change:metric") that {@link dispose} removes. */
  model(model: Observable, event: string, callback: () => void): void {
    model.on(event, callback);
    this.removers.push(() => model.off(event, callback));
  }

  /** Remove every listener added so far. */
  dispose(): void {
    for (const remove of this.removers.splice(0)) {
      remove();
    }
  }
}
