/** The list's filters, applied in the browser: pure functions of the slices and the filters. */
import type { Filters, SliceRow } from "./model";

export const DEFAULT_FILTERS: Readonly<Filters> = { order: null, min_size: 0, significant_only: true, search: "" };

/** Whole, non-negative sizes; a missing or garbled field takes its default. */
export function normaliseFilters(value: Partial<Filters> | null | undefined): Filters {
  const order = value?.order;
  const minSize = Number(value?.min_size);
  return {
    order: typeof order === "number" && Number.isInteger(order) && order > 0 ? order : null,
    min_size: Number.isFinite(minSize) && minSize > 0 ? Math.floor(minSize) : 0,
    significant_only: typeof value?.significant_only === "boolean" ? value.significant_only : true,
    search: typeof value?.search === "string" ? value.search : "",
  };
}

/** The words of a search, lower case: a slice matches when its text contains every one. */
export function searchTerms(search: string): string[] {
  return search
    .toLowerCase()
    .split(/\s+/u)
    .filter((term) => term.length > 0);
}

/**
 * The positions in `slices` of the slices that pass `filters`, in rank order. `lowerTexts`
 * (each slice's text in lower case) can be passed to save lower-casing 2,000 texts per key.
 */
export function filterSlices(
  slices: readonly SliceRow[],
  filters: Filters,
  lowerTexts: readonly string[] = slices.map((slice) => slice.text.toLowerCase()),
): number[] {
  const terms = searchTerms(filters.search);
  const matches: number[] = [];
  slices.forEach((slice, index) => {
    if (
      (filters.order === null || slice.order === filters.order) &&
      slice.size >= filters.min_size &&
      (!filters.significant_only || slice.significant) &&
      terms.every((term) => lowerTexts[index]?.includes(term))
    ) {
      matches.push(index);
    }
  });
  return matches;
}

/** The orders the order filter offers: 1 to the deepest searched, shown or asked for. */
export function orderChoices(slices: readonly SliceRow[], maxOrder: number, filters: Filters): number[] {
  const deepest = Math.max(maxOrder, filters.order ?? 0, ...slices.map((slice) => slice.order));
  return Array.from({ length: Math.max(deepest, 0) }, (_, index) => index + 1);
}
