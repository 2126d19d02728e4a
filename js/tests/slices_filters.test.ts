import { afterEach, describe, expect, it, vi } from "vitest";
import { FILTER_DELAY_MS } from "../src/slices/index";
import { DEFAULT_FILTERS, filterSlices, normaliseFilters, orderChoices, searchTerms } from "../src/slices/filters";
import { choose, query } from "./dom_events";
import { unmountAll } from "./mount";
import {
  ALL,
  S_AGE,
  S_BLACK,
  S_EDUCATION,
  S_FEMALE_BLACK,
  S_MALE_AGE,
  S_SMALL,
  S_WHITE,
  S_YOUNG,
  SIGNIFICANT,
  slices,
} from "./slices_fixtures";
import { commit, control, mount, rowIds, type } from "./slices_helpers";

afterEach(() => {
  unmountAll();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const everything = { order: null, min_size: 0, significant_only: false, search: "" };
const ids = (indices: number[]): string[] => indices.map((index) => slices()[index]?.id ?? "");

describe("filterSlices", () => {
  it("keeps rank order and applies every filter together", () => {
    expect(ids(filterSlices(slices(), DEFAULT_FILTERS))).toEqual(SIGNIFICANT);
    expect(ids(filterSlices(slices(), everything))).toEqual(ALL);
    expect(ids(filterSlices(slices(), { ...everything, order: 2 }))).toEqual([S_AGE, S_FEMALE_BLACK, S_MALE_AGE]);
    expect(ids(filterSlices(slices(), { ...everything, min_size: 1555 }))).toEqual([
      S_BLACK,
      S_EDUCATION,
      S_FEMALE_BLACK,
      S_YOUNG,
      S_WHITE,
    ]);
    expect(ids(filterSlices(slices(), { order: 2, min_size: 100, significant_only: true, search: "" }))).toEqual([
      S_AGE,
    ]);
  });

  it("searches case-insensitively for every word, in any order", () => {
    expect(ids(filterSlices(slices(), { ...everything, search: "FEMALE" }))).toEqual([S_AGE, S_SMALL, S_FEMALE_BLACK]);
    expect(ids(filterSlices(slices(), { ...everything, search: "age female" }))).toEqual([S_AGE, S_SMALL]);
    expect(ids(filterSlices(slices(), { ...everything, search: "[45, 60)" }))).toEqual([S_AGE, S_MALE_AGE]);
    expect(ids(filterSlices(slices(), { ...everything, search: "  " }))).toEqual(ALL);
    expect(filterSlices(slices(), { ...everything, search: "nobody" })).toEqual([]);
    expect(searchTerms(" Sex  =Female ")).toEqual(["sex", "=female"]);
  });

  it("normalises filters from Python: defaults for missing or garbled fields", () => {
    expect(normaliseFilters(undefined)).toEqual(DEFAULT_FILTERS);
    expect(normaliseFilters({ order: 2, min_size: 30.7, significant_only: false, search: "x" })).toEqual({
      order: 2,
      min_size: 30,
      significant_only: false,
      search: "x",
    });
    expect(normaliseFilters({ order: 0, min_size: -5 })).toEqual(DEFAULT_FILTERS);
    expect(normaliseFilters({ order: 1.5, min_size: Number.NaN })).toEqual(DEFAULT_FILTERS);
  });

  it("offers the orders up to the deepest searched, listed or asked for", () => {
    expect(orderChoices(slices(), 3, DEFAULT_FILTERS)).toEqual([1, 2, 3]);
    expect(orderChoices(slices(), 2, { ...DEFAULT_FILTERS, order: 4 })).toEqual([1, 2, 3, 4]);
    expect(orderChoices([], 0, DEFAULT_FILTERS)).toEqual([]);
  });
});

describe("SliceExplorer filters in the browser", () => {
  it("shows the model's filters in the controls", () => {
    const { el } = mount({ filters: { order: 2, min_size: 40, significant_only: false, search: "race" } });

    expect(control<HTMLSelectElement>(el, "select.fw-filter-order").value).toBe("2");
    expect(
      Array.from(control<HTMLSelectElement>(el, "select.fw-filter-order").options, (option) => option.text),
    ).toEqual(["all", "1 feature", "2 features", "3 features"]);
    expect(control<HTMLInputElement>(el, ".fw-filter-min-size").value).toBe("40");
    expect(control<HTMLInputElement>(el, ".fw-filter-significant").checked).toBe(false);
    expect(control<HTMLInputElement>(el, ".fw-filter-search").value).toBe("race");
    expect(rowIds(el)).toEqual([S_FEMALE_BLACK]);
  });

  it("order: filters at once and writes filters, saved once", () => {
    const { el, model } = mount();

    choose(control<HTMLSelectElement>(el, "select.fw-filter-order"), "2");

    expect(rowIds(el)).toEqual([S_AGE]);
    expect(model.sets).toEqual([
      { key: "filters", value: { order: 2, min_size: 0, significant_only: true, search: "" } },
    ]);
    expect(model.saveCount).toBe(1);

    choose(control<HTMLSelectElement>(el, "select.fw-filter-order"), "");
    expect(rowIds(el)).toEqual(SIGNIFICANT);
    expect(model.get("filters").order).toBeNull();
  });

  it("significant only: unticked shows every slice and writes filters", () => {
    const { el, model } = mount();
    const box = control<HTMLInputElement>(el, ".fw-filter-significant");
    expect(box.checked).toBe(true);

    box.checked = false;
    box.dispatchEvent(new Event("change", { bubbles: true }));

    expect(rowIds(el)).toEqual(ALL);
    expect(model.get("filters")).toEqual(everything);
    expect(model.saveCount).toBe(1);
  });

  it("minimum size: filters on each key, writes once typing pauses", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model } = mount();
    const input = control<HTMLInputElement>(el, ".fw-filter-min-size");

    type(input, "3");
    expect(rowIds(el)).toEqual(SIGNIFICANT);
    type(input, "30");
    expect(rowIds(el)).toEqual([S_AGE, S_BLACK, S_EDUCATION]);
    type(input, "3000");
    expect(rowIds(el)).toEqual([S_BLACK, S_EDUCATION]);
    vi.advanceTimersByTime(FILTER_DELAY_MS - 1);
    expect(model.sets).toEqual([]);

    vi.advanceTimersByTime(1);
    expect(model.sets).toEqual([
      { key: "filters", value: { order: null, min_size: 3000, significant_only: true, search: "" } },
    ]);
    expect(model.saveCount).toBe(1);

    // Garbage is no minimum.
    type(input, "-4");
    expect(rowIds(el)).toEqual(SIGNIFICANT);
    commit(input);
    expect(model.get("filters").min_size).toBe(0);
    expect(model.saveCount).toBe(2);
  });

  it("search: filters on each key; Enter (change) saves at once", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model } = mount();
    const search = control<HTMLInputElement>(el, ".fw-filter-search");

    type(search, "fem");
    expect(rowIds(el)).toEqual([S_AGE, S_SMALL]);
    type(search, "female 90");
    expect(rowIds(el)).toEqual([S_SMALL]);
    expect(model.saveCount).toBe(0);

    commit(search);
    expect(model.get("filters").search).toBe("female 90");
    expect(model.saveCount).toBe(1);
    vi.advanceTimersByTime(FILTER_DELAY_MS * 2);
    expect(model.saveCount).toBe(1);
  });

  it("says so when nothing matches, and how to see more", () => {
    const { el } = mount();

    type(control<HTMLInputElement>(el, ".fw-filter-search"), "nobody");

    expect(rowIds(el)).toEqual([]);
    expect(query(el, "tr.fw-empty").textContent).toContain("No slice matches the filters.");
    expect(query(el, "tr.fw-empty").textContent).toContain("Significant only");
    expect(query(el, ".fw-match-count").textContent).toBe("No slice matches the filters (8 in all).");
    expect(query<HTMLButtonElement>(el, "button.fw-show-more").hidden).toBe(true);
  });

  it("filters set from Python update the controls and the list, and are not written back", () => {
    const { el, model } = mount();

    model.set("filters", { order: 1, min_size: 5000, significant_only: false, search: "" });

    expect(rowIds(el)).toEqual([S_EDUCATION, S_YOUNG, S_WHITE]);
    expect(control<HTMLSelectElement>(el, "select.fw-filter-order").value).toBe("1");
    expect(control<HTMLInputElement>(el, ".fw-filter-min-size").value).toBe("5000");
    expect(control<HTMLInputElement>(el, ".fw-filter-significant").checked).toBe(false);
    expect(model.saveCount).toBe(0);
    expect(model.sets).toHaveLength(1);
  });

  it("while the user types, their search wins over filters from Python; then it is saved", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model } = mount();
    const search = control<HTMLInputElement>(el, ".fw-filter-search");
    type(search, "race");

    model.set("filters", { order: null, min_size: 0, significant_only: true, search: "" });
    expect(search.value).toBe("race");
    expect(rowIds(el)).toEqual([S_BLACK, S_SMALL]);

    vi.advanceTimersByTime(FILTER_DELAY_MS);
    expect(model.get("filters").search).toBe("race");
    expect(model.saveCount).toBe(1);
  });
});
