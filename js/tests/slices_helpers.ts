/** Mounting a SliceExplorer and reading its list, for the slices*.test.ts files. */
import slices from "../src/slices/index";
import type { SlicesModel } from "../src/slices/model";
import { query } from "./dom_events";
import { FakeModel } from "./fake_model";
import { type Mounted, mountView } from "./mount";
import { slicesState } from "./slices_fixtures";

export function mount(overrides: Partial<SlicesModel> = {}): Mounted<SlicesModel> {
  return mountView(slices.render, new FakeModel(slicesState(overrides)));
}

/** The ids of the list rows in the DOM, in order. */
export function rowIds(el: HTMLElement): string[] {
  return Array.from(el.querySelectorAll<HTMLTableRowElement>("tr[data-slice]"), (row) => row.dataset["slice"] ?? "");
}

export function row(el: HTMLElement, id: string): HTMLTableRowElement {
  return query<HTMLTableRowElement>(el, `tr[data-slice="${id}"]`);
}

/** The text and data-value of a row's cell (`data-column`). */
export function cell(el: HTMLElement, id: string, column: string): { text: string; value: string | undefined } {
  const found = query(row(el, id), `[data-column="${column}"]`);
  return { text: found.textContent ?? "", value: found.dataset["value"] };
}

/** Type into an input as a user does: the value, then a bubbling input event. */
export function type(input: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

/** Commit an input (Enter or leaving the field). */
export function commit(input: HTMLInputElement | HTMLTextAreaElement): void {
  input.dispatchEvent(new Event("change", { bubbles: true }));
}

export const control = <E extends HTMLElement>(el: HTMLElement, selector: string): E => query<E>(el, selector);
