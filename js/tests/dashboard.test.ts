import { afterEach, describe, expect, it, vi } from "vitest";
import dashboard from "../src/dashboard/index";
import type { DashboardModel } from "../src/dashboard/model";
import { chartHeight } from "../src/shared/bar_chart";
import { choose, click, press, query } from "./dom_events";
import { recordDomListeners } from "./dom_listeners";
import { FakeModel } from "./fake_model";
import { SEX, SEX_RACE, SMALL_GROUP, UNDEFINED_TPR_GROUP, dashboardState } from "./fixtures";
import { type Mounted, mountView, unmountAll } from "./mount";

/** Render a Dashboard into a fresh element attached to the document. */
function mount(overrides: Partial<DashboardModel> = {}): Mounted<DashboardModel> {
  return mountView(dashboard.render, new FakeModel(dashboardState(overrides)));
}

afterEach(() => {
  unmountAll();
  vi.restoreAllMocks();
});

function barElements(el: HTMLElement): SVGGElement[] {
  return Array.from(el.querySelectorAll<SVGGElement>("svg.fw-chart .fw-bars .fw-bar"));
}

function barFor(el: HTMLElement, key: string): SVGGElement {
  const found = barElements(el).find((bar) => bar.getAttribute("data-key") === key);
  if (found === undefined) {
    throw new Error(`no bar for ${key}`);
  }
  return found;
}

function bodyRows(el: HTMLElement): HTMLTableRowElement[] {
  return Array.from(el.querySelectorAll<HTMLTableRowElement>("table.fw-table tbody tr"));
}

function rowFor(el: HTMLElement, key: string): HTMLTableRowElement {
  const found = bodyRows(el).find((row) => row.dataset["key"] === key);
  if (found === undefined) {
    throw new Error(`no row for ${key}`);
  }
  return found;
}

function metricSelect(el: HTMLElement): HTMLSelectElement {
  return query<HTMLSelectElement>(el, "select.fw-metric-select");
}

function attributeSelect(el: HTMLElement): HTMLSelectElement {
  return query<HTMLSelectElement>(el, "select.fw-attribute-select");
}

function title(el: HTMLElement): string {
  return query(el, ".fw-title").textContent ?? "";
}

function axisLabel(el: HTMLElement): string {
  return query<SVGTextElement>(el, "svg.fw-chart .fw-axis-label").textContent ?? "";
}

/** The metric key of the highlighted table column. */
function activeColumn(el: HTMLElement): string | undefined {
  const active = Array.from(el.querySelectorAll<HTMLTableCellElement>("table.fw-table thead th.fw-active"));
  expect(active).toHaveLength(1);
  return active[0]?.dataset["metric"];
}

/** The y-axis tick label drawn for the bar `key` (ticks are in bar order). */
function tickLabel(el: HTMLElement, key: string): string {
  const index = barElements(el).findIndex((bar) => bar.getAttribute("data-key") === key);
  const ticks = Array.from(el.querySelectorAll("svg.fw-chart .fw-axis-y .tick text"));
  return ticks[index]?.textContent ?? "";
}

function barRect(bar: SVGGElement): SVGRectElement {
  return query<SVGRectElement>(bar, "rect.fw-bar-rect");
}

describe("Dashboard render", () => {
  it("draws one bar and one table row per group of the current attribute, with a title", () => {
    const { el } = mount();

    const svg = query<SVGSVGElement>(el, "svg.fw-chart");
    expect(svg.namespaceURI).toBe("http://www.w3.org/2000/svg");
    expect(barElements(el).map((bar) => bar.getAttribute("data-key"))).toEqual(["Female", "Male"]);
    for (const bar of barElements(el)) {
      expect(bar.closest("svg")).toBe(svg);
      expect(bar.querySelectorAll("rect.fw-bar-rect")).toHaveLength(1);
    }
    expect(bodyRows(el).map((row) => row.dataset["key"])).toEqual(["Female", "Male"]);
    expect(bodyRows(el).map((row) => row.querySelector("th")?.textContent)).toEqual(["Female", "Male"]);

    expect(title(el)).toContain("Selection rate");
    expect(title(el)).toContain(SEX);
    expect(metricSelect(el).value).toBe("selection_rate");
    expect(attributeSelect(el).value).toBe(SEX);
    expect(Array.from(attributeSelect(el).options, (option) => option.value)).toEqual([SEX, SEX_RACE]);
    expect(activeColumn(el)).toBe("selection_rate");
  });

  it("renders nothing into el except its own root, and sizes the chart to its bars", () => {
    const { el } = mount({ attribute: SEX_RACE });

    expect(el.children).toHaveLength(1);
    expect(barElements(el)).toHaveLength(5);
    expect(query(el, "svg.fw-chart").getAttribute("height")).toBe(String(chartHeight(5)));
  });

  it("formats table cells per metric: rates as percents, counts with separators", () => {
    const { el } = mount();

    const cells = Array.from(rowFor(el, "Male").querySelectorAll("td"), (cell) => cell.textContent);
    expect(cells).toEqual(["23.6%", "62.5%", "21,790"]);
  });
});

describe("Dashboard controls write the model", () => {
  it("changing the metric select sets metric, saves once and redraws for the new metric", () => {
    const { el, model } = mount();
    expect(axisLabel(el)).toContain("Selection rate");

    choose(metricSelect(el), "true_positive_rate");

    expect(model.sets).toEqual([{ key: "metric", value: "true_positive_rate" }]);
    expect(model.saveCount).toBe(1);
    expect(model.get("metric")).toBe("true_positive_rate");
    expect(activeColumn(el)).toBe("true_positive_rate");
    expect(axisLabel(el)).toContain("True positive rate");
    expect(title(el)).toBe("True positive rate by sex");
    // The bar tooltips describe the new metric.
    expect(query(barFor(el, "Female"), "title").textContent).toContain("True positive rate: 49.2%");
  });

  it("changing the attribute select sets attribute, resets selected_group and saves once", () => {
    const { el, model } = mount({ selected_group: "Male" });

    choose(attributeSelect(el), SEX_RACE);

    expect(model.sets).toEqual([
      { key: "attribute", value: SEX_RACE },
      { key: "selected_group", value: "" },
    ]);
    expect(model.saveCount).toBe(1);
    expect(model.get("selected_group")).toBe("");
    expect(barElements(el)).toHaveLength(5);
    expect(bodyRows(el)).toHaveLength(5);
    expect(title(el)).toBe(`Selection rate by ${SEX_RACE}`);
  });

  it("clicking a bar selects its group, clicking it again clears the selection", () => {
    const { el, model } = mount();

    click(barRect(barFor(el, "Male")));

    expect(model.sets).toEqual([{ key: "selected_group", value: "Male" }]);
    expect(model.saveCount).toBe(1);
    expect(barFor(el, "Male").classList.contains("fw-selected")).toBe(true);
    expect(barFor(el, "Female").classList.contains("fw-selected")).toBe(false);
    expect(rowFor(el, "Male").classList.contains("fw-selected")).toBe(true);

    // The chart was redrawn: click the new rect of the same bar.
    click(barRect(barFor(el, "Male")));

    expect(model.sets).toEqual([
      { key: "selected_group", value: "Male" },
      { key: "selected_group", value: "" },
    ]);
    expect(model.saveCount).toBe(2);
    expect(barFor(el, "Male").classList.contains("fw-selected")).toBe(false);
  });

  it("clicking a bar of another group moves the selection", () => {
    const { el, model } = mount({ selected_group: "Male" });

    click(barRect(barFor(el, "Female")));

    expect(model.sets).toEqual([{ key: "selected_group", value: "Female" }]);
    expect(model.saveCount).toBe(1);
  });

  it("clicking a table row selects its group, clicking it again clears the selection", () => {
    const { el, model } = mount();

    // A click on a cell bubbles up to its row.
    click(query(rowFor(el, "Female"), "td"));

    expect(model.sets).toEqual([{ key: "selected_group", value: "Female" }]);
    expect(model.saveCount).toBe(1);
    expect(rowFor(el, "Female").classList.contains("fw-selected")).toBe(true);

    click(rowFor(el, "Female"));

    expect(model.get("selected_group")).toBe("");
    expect(model.saveCount).toBe(2);
  });

  it("pressing Enter on a focused table row toggles its group; other keys do nothing", () => {
    const { el, model } = mount();

    const row = rowFor(el, "Male");
    expect(row.tabIndex).toBe(0);
    row.focus();
    expect(document.activeElement).toBe(row);

    press(row, "a");
    expect(model.sets).toEqual([]);
    expect(model.saveCount).toBe(0);

    press(row, "Enter");
    expect(model.sets).toEqual([{ key: "selected_group", value: "Male" }]);
    expect(model.saveCount).toBe(1);

    const again = rowFor(el, "Male");
    again.focus();
    press(again, "Enter");
    expect(model.get("selected_group")).toBe("");
    expect(model.saveCount).toBe(2);
  });

  it("keeps keyboard focus on the chosen row after the redraw, and Space does not scroll", () => {
    const { el, model } = mount();
    const row = rowFor(el, "Male");
    row.focus();

    press(row, "Enter");
    const redrawn = rowFor(el, "Male");
    expect(redrawn).not.toBe(row); // the table was redrawn...
    expect(document.activeElement).toBe(redrawn); // ...and focus followed the row

    const space = new KeyboardEvent("keydown", { key: " ", bubbles: true, cancelable: true });
    redrawn.dispatchEvent(space);
    expect(space.defaultPrevented).toBe(true);
    expect(model.get("selected_group")).toBe("");
    expect(document.activeElement).toBe(rowFor(el, "Male"));
  });

  it("clicks outside bars and rows (title, table header) change nothing", () => {
    const { el, model } = mount();

    click(query(el, ".fw-title"));
    click(query(el, "table.fw-table thead th"));
    click(query(el, "svg.fw-chart .fw-axis-label"));

    expect(model.sets).toEqual([]);
    expect(model.saveCount).toBe(0);
  });
});

describe("Dashboard follows changes from Python", () => {
  it("redraws when metric changes on the model: select, title and whiskers", () => {
    const { el, model } = mount();
    expect(el.querySelectorAll(".fw-whisker")).toHaveLength(2);
    for (const bar of barElements(el)) {
      expect(bar.querySelectorAll(".fw-whisker")).toHaveLength(1);
    }

    model.set("metric", "count");

    expect(metricSelect(el).value).toBe("count");
    expect(title(el)).toBe("Count by sex");
    expect(activeColumn(el)).toBe("count");
    expect(barElements(el)).toHaveLength(2);
    expect(el.querySelectorAll(".fw-whisker")).toHaveLength(0);
    expect(axisLabel(el)).toBe("Count");
    // The view only drew: it wrote nothing back.
    expect(model.sets).toHaveLength(1);
    expect(model.saveCount).toBe(0);

    model.set("metric", "true_positive_rate");
    expect(metricSelect(el).value).toBe("true_positive_rate");
    expect(el.querySelectorAll(".fw-whisker")).toHaveLength(2);
  });

  it("redraws when attribute, selected_group or tables change on the model", () => {
    const { el, model } = mount();

    model.set("attribute", SEX_RACE);
    expect(attributeSelect(el).value).toBe(SEX_RACE);
    expect(barElements(el)).toHaveLength(5);

    model.set("selected_group", "Male × White");
    expect(barFor(el, "Male × White").classList.contains("fw-selected")).toBe(true);
    expect(rowFor(el, "Male × White").classList.contains("fw-selected")).toBe(true);

    const tables = structuredClone(model.get("tables"));
    tables["race"] = [];
    model.set("tables", tables);
    expect(Array.from(attributeSelect(el).options, (option) => option.value)).toEqual([SEX, SEX_RACE, "race"]);
    expect(model.saveCount).toBe(0);
  });
});

describe("Dashboard reference line", () => {
  it("draws the overall value for rates but not for counts, which groups cannot match", () => {
    const { el, model } = mount();
    expect(el.querySelectorAll("svg.fw-chart .fw-reference")).toHaveLength(1);
    model.set("metric", "count");
    expect(el.querySelectorAll("svg.fw-chart .fw-reference")).toHaveLength(0);
  });
});

describe("Dashboard small and undefined groups", () => {
  it("marks groups whose metric is measured on few people fw-small with (n=...) in their bar label", () => {
    const { el } = mount({ attribute: SEX_RACE });

    const small = barFor(el, SMALL_GROUP);
    expect(small.classList.contains("fw-small")).toBe(true);
    expect(small.querySelectorAll(".fw-bar-hatch")).toHaveLength(1);
    expect(tickLabel(el, SMALL_GROUP)).toBe(`${SMALL_GROUP} (n=12)`);
    expect(rowFor(el, SMALL_GROUP).classList.contains("fw-small")).toBe(true);
    expect(query(small, "title").textContent).toContain("Measured on fewer than 30 people");

    const large = barFor(el, "Male × White");
    expect(large.classList.contains("fw-small")).toBe(false);
    expect(tickLabel(el, "Male × White")).toBe("Male × White");
    expect(rowFor(el, "Male × White").classList.contains("fw-small")).toBe(false);

    expect(query(el, ".fw-note").textContent).toContain("1 group(s) have this metric measured on fewer than 30 people");
  });

  it("flags a rate measured on few people even in a large group", () => {
    const { el, model } = mount({ attribute: SEX_RACE });
    // 41 people, none of them actual positives: fine for the selection rate...
    expect(barFor(el, UNDEFINED_TPR_GROUP).classList.contains("fw-small")).toBe(false);
    expect(rowFor(el, UNDEFINED_TPR_GROUP).classList.contains("fw-small")).toBe(false);
    // ...but its true positive rate rests on nobody.
    model.set("metric", "true_positive_rate");
    expect(barFor(el, UNDEFINED_TPR_GROUP).classList.contains("fw-small")).toBe(true);
    expect(tickLabel(el, UNDEFINED_TPR_GROUP)).toBe(`${UNDEFINED_TPR_GROUP} (n=0)`);
    const cells = Array.from(rowFor(el, UNDEFINED_TPR_GROUP).querySelectorAll("td"));
    expect(cells.map((cell) => cell.classList.contains("fw-few"))).toEqual([false, true, false]);
  });

  it("shows a null rate as undefined, with no whisker and an em dash in the table", () => {
    const { el } = mount({ attribute: SEX_RACE, metric: "true_positive_rate" });

    const undefinedBar = barFor(el, UNDEFINED_TPR_GROUP);
    expect(query(undefinedBar, ".fw-undefined").textContent).toContain("undefined");
    expect(undefinedBar.querySelectorAll(".fw-whisker")).toHaveLength(0);
    expect(barRect(undefinedBar).getAttribute("width")).toBe("0");
    expect(query(undefinedBar, "title").textContent).toContain("True positive rate: —");

    const defined = barFor(el, "Male × White");
    expect(defined.querySelectorAll(".fw-undefined")).toHaveLength(0);
    expect(defined.querySelectorAll(".fw-whisker")).toHaveLength(1);
    expect(el.querySelectorAll(".fw-whisker")).toHaveLength(4);

    const row = rowFor(el, UNDEFINED_TPR_GROUP);
    const tprCell = row.querySelector("td.fw-active");
    expect(tprCell?.textContent).toBe("—");
  });
});

describe("Dashboard cleanup", () => {
  it("removes every model and DOM listener, empties el and stops reacting", () => {
    const dom = recordDomListeners();
    const { el, model, cleanup } = mount();
    const oldMetricSelect = metricSelect(el);
    const oldAttributeSelect = attributeSelect(el);
    const oldRoot = query(el, ".fw-dashboard");
    const oldTitle = query(el, ".fw-title");
    const oldBar = barRect(barFor(el, "Female"));
    const oldRow = rowFor(el, "Female");
    // Some life before cleanup: redraws must not add listeners either.
    model.set("metric", "count");
    click(barRect(barFor(el, "Male")));
    expect(model.liveListeners.length).toBeGreaterThan(0);
    expect(dom.added().length).toBeGreaterThan(0);

    cleanup();

    expect(dom.added().length).toBeGreaterThanOrEqual(4);
    expect(dom.stop()).toEqual([]);

    // (a) every model `on` was matched by an `off`.
    expect(model.registrations.length).toBeGreaterThanOrEqual(7);
    expect(model.liveListeners).toEqual([]);
    expect(model.removals).toHaveLength(model.registrations.length);
    // (c) nothing left in el.
    expect(el.childNodes).toHaveLength(0);
    expect(oldRoot.isConnected).toBe(false);

    // (d) the old controls no longer write the model; Python changes no longer redraw.
    model.clearCalls();
    choose(oldMetricSelect, "true_positive_rate");
    choose(oldAttributeSelect, SEX_RACE);
    click(oldBar);
    click(oldRow);
    press(oldRow, "Enter");
    click(oldRoot);
    expect(model.sets).toEqual([]);
    expect(model.saveCount).toBe(0);
    const before = oldTitle.textContent;
    model.set("metric", "selection_rate");
    expect(oldTitle.textContent).toBe(before);
  });

  it("leaves other views of the same model working", () => {
    const first = mount();
    const model = first.model;
    const { el, cleanup: second } = mountView(dashboard.render, model);
    const listenersPerView = model.liveListeners.length / 2;

    first.cleanup();

    expect(model.liveListeners).toHaveLength(listenersPerView);
    model.set("metric", "count");
    expect(title(el)).toBe("Count by sex");
    choose(metricSelect(el), "selection_rate");
    expect(model.saveCount).toBe(1);

    second();
    expect(model.liveListeners).toEqual([]);
  });
});
