import { afterEach, describe, expect, it, vi } from "vitest";
import slicesWidget, { PAGE_SIZE, UPDATE_MEASURE } from "../src/slices/index";
import { choose, click, press, query } from "./dom_events";
import { recordDomListeners } from "./dom_listeners";
import { mountView, unmountAll } from "./mount";
import {
  ALL,
  S_AGE,
  S_BLACK,
  S_EDUCATION,
  S_FEMALE_BLACK,
  S_MALE_AGE,
  S_SMALL,
  S_WHITE,
  SIGNIFICANT,
  drilldown,
  manySlices,
  slices,
} from "./slices_fixtures";
import { cell, control, mount, row, rowIds, type } from "./slices_helpers";

afterEach(() => {
  unmountAll();
  vi.useRealTimers();
  vi.restoreAllMocks();
  performance.clearMeasures();
});

const everything = { order: null, min_size: 0, significant_only: false, search: "" };

describe("SliceExplorer render", () => {
  it("renders one root, and the significant slices in rank order as focusable rows", () => {
    const { el } = mount();

    expect(el.children).toHaveLength(1);
    expect(el.firstElementChild?.classList.contains("fw-slices")).toBe(true);
    expect(rowIds(el)).toEqual(SIGNIFICANT);
    for (const id of SIGNIFICANT) {
      expect(row(el, id).tabIndex).toBe(0);
    }
    expect(query(row(el, S_AGE), "th").textContent).toContain("sex = Female ∧ age ∈ [45, 60)");
    expect(cell(el, S_BLACK, "rank").text).toBe("2");
  });

  it("shows each number formatted, with its full precision in data-value", () => {
    const { el } = mount();

    expect(cell(el, S_AGE, "size")).toEqual({ text: "1,210", value: "1210" });
    expect(cell(el, S_AGE, "value")).toEqual({ text: "62.0%", value: "0.62" });
    expect(cell(el, S_AGE, "rest_value")).toEqual({ text: "81.0%", value: "0.81" });
    expect(cell(el, S_AGE, "effect").value).toBe(String(0.81 - 0.62));
    expect(query(row(el, S_AGE), ".fw-effect-text").textContent).toBe("+19.0 pp");
    expect(query(row(el, S_AGE), ".fw-effect-interval").textContent).toBe("[+16.0, +22.0] pp");
    expect(cell(el, S_AGE, "q_value").value).toBe("2e-8");
  });

  it("says significance in words next to the q-value, not by colour only", () => {
    const { el } = mount({ filters: everything });

    expect(query(row(el, S_AGE), ".fw-q-value").textContent).toBe("< 0.0001");
    expect(query(row(el, S_AGE), ".fw-verdict").textContent).toBe("significant");
    expect(query(row(el, S_EDUCATION), ".fw-q-value").textContent).toBe("0.006");
    expect(query(row(el, S_FEMALE_BLACK), ".fw-verdict").textContent).toBe("not significant");
    expect(query(row(el, S_FEMALE_BLACK), ".fw-q-value").textContent).toBe("0.16");
    expect(row(el, S_AGE).classList.contains("fw-significant")).toBe(true);
    expect(query(row(el, S_AGE), "th").title).toContain("q < 0.0001: significant at FDR 0.05");
  });

  it("flags slices of fewer than 30 people with (n=…)", () => {
    const { el } = mount({ filters: everything });

    expect(query(row(el, S_SMALL), ".fw-few").textContent).toBe(" (n=12)");
    expect(query(row(el, S_MALE_AGE), ".fw-few").textContent).toBe(" (n=25)");
    expect(row(el, S_SMALL).classList.contains("fw-small")).toBe(true);
    expect(row(el, S_AGE).querySelector(".fw-few")).toBeNull();
    expect(query(row(el, S_SMALL), "th").title).toContain("Fewer than 30 people");
  });

  it("draws the effect as a bar from zero and its interval as a whisker, marking intervals across zero", () => {
    const { el } = mount({ filters: everything });
    const bar = (id: string): SVGSVGElement => query<SVGSVGElement>(row(el, id), "svg.fw-effect-bar");

    expect(bar(S_AGE).querySelector(".fw-effect-worse")).not.toBeNull();
    expect(bar(S_AGE).querySelectorAll(".fw-effect-ci line")).toHaveLength(3);
    expect(bar(S_AGE).classList.contains("fw-crosses-zero")).toBe(false);
    expect(bar(S_FEMALE_BLACK).classList.contains("fw-crosses-zero")).toBe(true);
    expect(bar(S_WHITE).querySelector(".fw-effect-better")).not.toBeNull();
    expect(bar(S_AGE).getAttribute("aria-hidden")).toBe("true");

    // One scale for every row: zero sits at the same x, and a whisker's ends sit around the bar's end.
    const zeros = ALL.map((id) => query(bar(id), ".fw-effect-zero").getAttribute("x1"));
    expect(new Set(zeros).size).toBe(1);
    const rect = query(bar(S_AGE), "rect");
    const end = Number(rect.getAttribute("x")) + Number(rect.getAttribute("width"));
    const whisker = query(bar(S_AGE), ".fw-effect-ci line");
    expect(Number(whisker.getAttribute("x1"))).toBeLessThan(end);
    expect(Number(whisker.getAttribute("x2"))).toBeGreaterThan(end);
  });

  it("summarises the search and fills the metric select", () => {
    const { el } = mount();

    expect(query(el, ".fw-title").textContent).toBe("Worst slices by accuracy");
    expect(query(el, ".fw-summary").textContent).toBe(
      "8 slices up to order 3; 4 significant at a false discovery rate of 0.05 (q ≤ 0.05).",
    );
    expect(query(el, ".fw-match-count").textContent).toBe("Showing 4 of 4 slices that match the filters (8 in all).");
    const select = control<HTMLSelectElement>(el, "select.fw-metric-select");
    expect(Array.from(select.options, (option) => option.value)).toEqual([
      "accuracy",
      "true_positive_rate",
      "selection_rate",
    ]);
    expect(select.value).toBe("accuracy");
    expect(query(el, "thead").textContent).toContain("Accuracy");
  });

  it("labels every control", () => {
    const { el } = mount({ selected: S_AGE, drilldown: drilldown() });
    for (const selector of [
      ".fw-metric-select",
      ".fw-filter-order",
      ".fw-filter-min-size",
      ".fw-filter-significant",
      ".fw-filter-search",
      ".fw-annotation-status",
      ".fw-annotation-note",
      ".fw-heat-rows-select",
      ".fw-heat-cols-select",
    ]) {
      expect(query(el, selector).closest("label")?.textContent?.trim(), selector).not.toBe("");
    }
  });
});

describe("SliceExplorer selection", () => {
  it("clicking a row selects its slice and saves once; clicking it again writes nothing", () => {
    const { el, model } = mount();

    click(query(row(el, S_BLACK), "td"));

    expect(model.sets).toEqual([{ key: "selected", value: S_BLACK }]);
    expect(model.saveCount).toBe(1);
    expect(row(el, S_BLACK).classList.contains("fw-selected")).toBe(true);
    expect(row(el, S_BLACK).getAttribute("aria-current")).toBe("true");
    expect(row(el, S_AGE).hasAttribute("aria-current")).toBe(false);

    click(row(el, S_BLACK));
    expect(model.saveCount).toBe(1);
  });

  it("Enter and Space on a focused row select it; arrows move the focus; other keys do nothing", () => {
    const { el, model } = mount();
    row(el, S_AGE).focus();

    expect(press(row(el, S_AGE), "a").defaultPrevented).toBe(false);
    expect(model.sets).toEqual([]);

    const down = press(row(el, S_AGE), "ArrowDown");
    expect(down.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(row(el, S_BLACK));
    press(row(el, S_BLACK), "End");
    expect(document.activeElement).toBe(row(el, S_EDUCATION));
    press(row(el, S_EDUCATION), "ArrowDown"); // already the last row
    expect(document.activeElement).toBe(row(el, S_EDUCATION));
    press(row(el, S_EDUCATION), "ArrowUp");
    expect(document.activeElement).toBe(row(el, S_SMALL));

    const enter = press(row(el, S_SMALL), "Enter");
    expect(enter.defaultPrevented).toBe(true);
    expect(model.get("selected")).toBe(S_SMALL);
    expect(press(row(el, S_AGE), " ").defaultPrevented).toBe(true);
    expect(model.get("selected")).toBe(S_AGE);
    expect(model.saveCount).toBe(2);
  });

  it("follows a selection made in Python, and keeps focus on a row through redraws", () => {
    const { el, model } = mount();
    row(el, S_BLACK).focus();

    model.set("selected", S_EDUCATION);
    model.set("annotations", { [S_AGE]: { status: "open", note: "" } });

    expect(row(el, S_EDUCATION).classList.contains("fw-selected")).toBe(true);
    expect(el.querySelectorAll("tr.fw-selected")).toHaveLength(1);
    expect(document.activeElement).toBe(row(el, S_BLACK));
    expect(model.saveCount).toBe(0);
  });
});

describe("SliceExplorer follows changes from Python", () => {
  it("slices: a new list, filtered as before, from the first page", () => {
    const { el, model } = mount({ filters: { ...everything, order: 1 } });
    expect(rowIds(el)).toEqual([S_BLACK, S_EDUCATION, "s-young", S_WHITE]);

    const next = slices().map((one) => ({ ...one, id: `${one.id}-tpr` }));
    model.set("slices", next.slice(0, 3));

    expect(rowIds(el)).toEqual([`${S_BLACK}-tpr`]);
    expect(query(el, ".fw-summary").textContent).toContain("3 slices up to order 3");
    expect(model.saveCount).toBe(0);
  });

  it("metric and metric_options: the select, the title and the column head", () => {
    const { el, model } = mount();

    model.set("metric", "true_positive_rate");

    expect(control<HTMLSelectElement>(el, "select.fw-metric-select").value).toBe("true_positive_rate");
    expect(query(el, ".fw-title").textContent).toBe("Worst slices by true positive rate");
    expect(query(el, "thead").textContent).toContain("True positive rate");

    model.set("metric_options", [{ key: "true_positive_rate", label: "Recall" }]);
    expect(query(el, ".fw-title").textContent).toBe("Worst slices by recall");
    expect(model.saveCount).toBe(0);
  });

  it("fdr and max_order: the summary and the order choices", () => {
    const { el, model } = mount();

    model.set("fdr", 0.1);
    model.set("max_order", 4);

    expect(query(el, ".fw-summary").textContent).toContain("false discovery rate of 0.1 (q ≤ 0.1)");
    const order = control<HTMLSelectElement>(el, "select.fw-filter-order");
    expect(Array.from(order.options, (option) => option.value)).toEqual(["", "1", "2", "3", "4"]);
    expect(query(row(el, S_AGE), "th").title).toContain("at FDR 0.1");
  });

  it("writes the metric when the select changes", () => {
    const { el, model } = mount();

    choose(control<HTMLSelectElement>(el, "select.fw-metric-select"), "selection_rate");

    expect(model.sets).toEqual([{ key: "metric", value: "selection_rate" }]);
    expect(model.saveCount).toBe(1);
    expect(query(el, ".fw-title").textContent).toBe("Worst slices by selection rate");
  });
});

describe("SliceExplorer with 2,000 slices", () => {
  it("puts one page in the DOM, more on demand, and draws fast", () => {
    performance.clearMeasures(UPDATE_MEASURE);
    const started = performance.now();
    const { el, model } = mount({ slices: manySlices(2000), filters: everything });
    const mounted = performance.now() - started;

    expect(rowIds(el)).toHaveLength(PAGE_SIZE);
    expect(rowIds(el)[0]).toBe("slice-0");
    expect(query(el, ".fw-match-count").textContent).toBe(
      "Showing 50 of 2,000 slices that match the filters (2,000 in all).",
    );
    const more = query<HTMLButtonElement>(el, "button.fw-show-more");
    expect(more.hidden).toBe(false);
    expect(more.textContent).toBe("Show 50 more (1,950 not shown)");
    // Generous for happy-dom on a slow CI machine; a browser takes a few milliseconds.
    expect(mounted).toBeLessThan(1000);

    // Screen readers learn that the table has 2,000 rows, and where each shown row sits.
    expect(query(el, "table.fw-slice-table").getAttribute("aria-rowcount")).toBe("2001");
    click(more);
    expect(rowIds(el)).toHaveLength(2 * PAGE_SIZE);
    expect(row(el, `slice-${PAGE_SIZE}`).getAttribute("aria-rowindex")).toBe(String(PAGE_SIZE + 2));
    expect(rowIds(el)[PAGE_SIZE]).toBe(`slice-${PAGE_SIZE}`);
    expect(document.activeElement).toBe(row(el, `slice-${PAGE_SIZE}`));

    // Filtering all 2,000 in the browser: back to the first page of the matches.
    type(control<HTMLInputElement>(el, ".fw-filter-search"), "level_3 feature_2");
    const matching = model.get("slices").filter((one) => one.text.includes("level_3") && one.order === 3).length;
    expect(matching).toBeGreaterThan(PAGE_SIZE);
    expect(rowIds(el)).toHaveLength(PAGE_SIZE);
    expect(query(el, ".fw-match-count").textContent).toContain(`of ${matching} slices`);

    const durations = performance.getEntriesByName(UPDATE_MEASURE, "measure").map((entry) => entry.duration);
    expect(durations).toHaveLength(2);
    expect(Math.max(...durations)).toBeLessThan(200);
  });

  it("shows every match after enough pages, then hides the button", () => {
    const { el } = mount({ slices: manySlices(120), filters: everything });
    const more = query<HTMLButtonElement>(el, "button.fw-show-more");
    click(more);
    expect(more.textContent).toBe("Show 20 more (20 not shown)");
    click(more);
    expect(rowIds(el)).toHaveLength(120);
    expect(more.hidden).toBe(true);
  });
});

describe("SliceExplorer cleanup", () => {
  it("removes every model and DOM listener, empties el and stops reacting", () => {
    const dom = recordDomListeners();
    const { el, model, cleanup } = mount({ selected: S_AGE, drilldown: drilldown() });
    const oldRow = row(el, S_BLACK);
    const oldSearch = control<HTMLInputElement>(el, ".fw-filter-search");
    const oldStatus = control<HTMLSelectElement>(el, ".fw-annotation-status");
    const oldSummary = query(el, ".fw-summary");
    const oldRoot = query(el, ".fw-slices");
    // Some life first: redraws must not add listeners either.
    model.set("slices", slices().slice(0, 5));
    model.set("heatmap", { ...model.get("heatmap"), rows: ["Female"] });
    click(row(el, S_BLACK));
    expect(model.liveListeners.length).toBeGreaterThanOrEqual(12);
    expect(dom.added().length).toBeGreaterThanOrEqual(10);

    cleanup();

    expect(dom.stop()).toEqual([]);
    expect(model.liveListeners).toEqual([]);
    expect(model.removals).toHaveLength(model.registrations.length);
    expect(el.childNodes).toHaveLength(0);
    expect(oldRoot.isConnected).toBe(false);

    model.clearCalls();
    click(oldRow);
    press(oldRow, "Enter");
    type(oldSearch, "race");
    choose(oldStatus, "mitigated");
    expect(model.sets).toEqual([]);
    expect(model.saveCount).toBe(0);
    const before = oldSummary.textContent;
    model.set("fdr", 0.2);
    expect(oldSummary.textContent).toBe(before);
  });

  it("saves typing still waiting (a search, a note), then nothing more", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model, cleanup } = mount({ selected: S_AGE, drilldown: drilldown() });
    type(control<HTMLInputElement>(el, ".fw-filter-search"), "female");
    type(control<HTMLTextAreaElement>(el, ".fw-annotation-note"), "Known gap");
    expect(model.saveCount).toBe(0);

    cleanup();

    expect(model.get("filters").search).toBe("female");
    expect(model.get("annotations")).toEqual({ [S_AGE]: { status: "open", note: "Known gap" } });
    expect(model.saveCount).toBe(2);
    vi.advanceTimersByTime(2000);
    expect(model.saveCount).toBe(2);
  });

  it("leaves other views of the same model working, and keeps them in step", () => {
    const first = mount();
    const model = first.model;
    const { el, cleanup: second } = mountView(slicesWidget.render, model);
    const perView = model.liveListeners.length / 2;

    click(row(first.el, S_BLACK));
    expect(row(el, S_BLACK).classList.contains("fw-selected")).toBe(true);
    choose(control<HTMLSelectElement>(first.el, ".fw-filter-order"), "2");
    expect(rowIds(el)).toEqual([S_AGE]);

    first.cleanup();

    expect(model.liveListeners).toHaveLength(perView);
    click(row(el, S_AGE));
    expect(model.get("selected")).toBe(S_AGE);
    second();
    expect(model.liveListeners).toEqual([]);
  });
});
