/** The filter controls: order, minimum size, significant only, search; labelled, one fieldset. */
import { labelledSelect, setChoices } from "../shared/controls";
import type { Filters } from "./model";
import { orderLabel } from "./text";

export interface FilterControls {
  root: HTMLFieldSetElement;
  order: HTMLSelectElement;
  minSize: HTMLInputElement;
  significant: HTMLInputElement;
  search: HTMLInputElement;
}

function labelled(caption: string, input: HTMLInputElement, after = false): HTMLLabelElement {
  const root = document.createElement("label");
  root.className = "fw-control";
  const text = document.createElement("span");
  text.className = "fw-control-caption";
  text.textContent = caption;
  root.append(...(after ? [input, text] : [text, input]));
  return root;
}

export function buildFilterControls(): FilterControls {
  const root = document.createElement("fieldset");
  root.className = "fw-filters";
  const legend = document.createElement("legend");
  legend.textContent = "Filters";
  const order = labelledSelect("Order", "fw-filter-order");
  order.select.title = "Only slices that fix this many features";

  const minSize = document.createElement("input");
  minSize.type = "number";
  minSize.className = "fw-filter-min-size";
  minSize.min = "0";
  minSize.step = "1";
  minSize.inputMode = "numeric";
  minSize.title = "Hide slices of fewer people";

  const significant = document.createElement("input");
  significant.type = "checkbox";
  significant.className = "fw-filter-significant";
  significant.title = "Only slices whose q-value is at most the false discovery rate";

  const search = document.createElement("input");
  search.type = "search";
  search.className = "fw-filter-search";
  search.placeholder = "e.g. female age";
  search.title = "Slices whose text contains every word";
  search.autocomplete = "off";

  root.append(
    legend,
    order.root,
    labelled("Minimum size", minSize),
    labelled("Significant only", significant, true),
    labelled("Search", search),
  );
  return { root, order: order.select, minSize, significant, search };
}

/** Show `filters`; `orders` are the orders the order filter offers. */
export function showFilters(controls: FilterControls, filters: Filters, orders: readonly number[]): void {
  setChoices(
    controls.order,
    [{ value: "", label: "all" }, ...orders.map((order) => ({ value: String(order), label: orderLabel(order) }))],
    filters.order === null ? "" : String(filters.order),
  );
  // Leave a field being edited alone when it already means the same number (e.g. "" and 0).
  if (Number(controls.minSize.value) !== filters.min_size || controls.minSize.value === "") {
    controls.minSize.value = String(filters.min_size);
  }
  controls.significant.checked = filters.significant_only;
  if (controls.search.value !== filters.search) {
    controls.search.value = filters.search;
  }
}

/** What the controls say now (a minimum size that is not a whole non-negative number is 0). */
export function readFilters(controls: FilterControls): Filters {
  const order = Number(controls.order.value);
  const minSize = Number(controls.minSize.value);
  return {
    order: controls.order.value === "" || !Number.isInteger(order) ? null : order,
    min_size: Number.isFinite(minSize) && minSize > 0 ? Math.floor(minSize) : 0,
    significant_only: controls.significant.checked,
    search: controls.search.value,
  };
}
