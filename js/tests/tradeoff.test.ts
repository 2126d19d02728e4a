import { afterEach, describe, expect, it, vi } from "vitest";
import tradeoff, { SAVE_INTERVAL_MS, UPDATE_MEASURE } from "../src/tradeoff/index";
import type { TradeoffModel } from "../src/tradeoff/model";
import { choose, click, press, query } from "./dom_events";
import { recordDomListeners } from "./dom_listeners";
import { FakeModel } from "./fake_model";
import { type Mounted, mountView, unmountAll } from "./mount";
import { FEMALE, MALE, UNKNOWN, largeState, points, tradeoffState } from "./tradeoff_fixtures";

function mount(state: TradeoffModel = tradeoffState()): Mounted<TradeoffModel> {
  return mountView(tradeoff.render, new FakeModel(state));
}

afterEach(() => {
  unmountAll();
  vi.useRealTimers();
  vi.restoreAllMocks();
  performance.clearMeasures();
});

const row = (el: HTMLElement, group: string): HTMLTableRowElement =>
  query<HTMLTableRowElement>(el, `tr[data-group="${group}"]`);
const slider = (el: HTMLElement, group: string): HTMLInputElement =>
  query<HTMLInputElement>(el, `input[type="range"][data-group="${group}"]`);
const pointMark = (el: HTMLElement, id: number): SVGGElement => query<SVGGElement>(el, `[data-point="${id}"]`);

/** The data-value of a cell of a group's row: a rate, a count, or the threshold. */
function value(el: HTMLElement, group: string, selector: string): string | undefined {
  return query(row(el, group), selector).dataset["value"];
}
const rate = (el: HTMLElement, group: string, name: string): number =>
  Number(value(el, group, `[data-rate="${name}"]`));
const summary = (el: HTMLElement, key: string): string | undefined =>
  query(el, `[data-summary="${key}"]`).dataset["value"];
/** The [x, y] of an SVG element's translate(). */
function position(element: Element): [number, number] {
  const match = /translate\(([-\d.e]+),([-\d.e]+)\)/.exec(element.getAttribute("transform") ?? "");
  return [Number(match?.[1]), Number(match?.[2])];
}
const ring = (el: HTMLElement): [number, number] => position(query(el, "svg.fw-frontier-chart .fw-ring"));
function expectAt(actual: [number, number], expected: [number, number]): void {
  expect(actual[0]).toBeCloseTo(expected[0], 6);
  expect(actual[1]).toBeCloseTo(expected[1], 6);
}

function moveTo(input: HTMLInputElement, index: number, release = true): void {
  input.value = String(index);
  input.dispatchEvent(new Event("input", { bubbles: true }));
  if (release) {
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }
}

describe("TradeoffExplorer render", () => {
  it("draws one row and one labelled slider per group, set to the selection", () => {
    const { el } = mount();

    expect(el.children).toHaveLength(1);
    const rows = Array.from(el.querySelectorAll<HTMLTableRowElement>("table.fw-group-table > tbody > tr"));
    expect(rows.map((one) => one.dataset["group"])).toEqual([FEMALE, MALE, UNKNOWN]);
    const sliders = Array.from(el.querySelectorAll<HTMLInputElement>('input[type="range"]'));
    expect(sliders.map((one) => one.dataset["group"])).toEqual([FEMALE, MALE, UNKNOWN]);
    expect(sliders.map((one) => [one.min, one.max, one.value])).toEqual([
      ["0", "4", "2"],
      ["0", "3", "1"],
      ["0", "1", "0"],
    ]);
    expect(slider(el, MALE).getAttribute("aria-label")).toBe("threshold for Male");
    expect(query(row(el, FEMALE), "th").textContent).toBe("Femalen = 10");
  });

  it("shows each group's threshold, expected counts and rates with full-precision data-values", () => {
    const { el } = mount();

    expect(query(row(el, FEMALE), ".fw-threshold").textContent).toBe("0.7");
    expect(value(el, FEMALE, ".fw-threshold")).toBe("0.7");
    expect(query(row(el, UNKNOWN), ".fw-threshold").textContent).toBe("none");
    expect(value(el, UNKNOWN, ".fw-threshold")).toBe("");
    expect(query(row(el, FEMALE), ".fw-mix").hidden).toBe(true);

    const counts = ["tp", "fp", "fn", "tn"].map((name) => value(el, FEMALE, `[data-count="${name}"]`));
    expect(counts).toEqual(["3", "1", "1", "5"]);
    expect(query(row(el, FEMALE), '[data-count="tn"]').textContent).toBe("5");
    expect(rate(el, FEMALE, "false_positive_rate")).toBe(1 / 6);
    expect(query(row(el, FEMALE), '[data-rate="false_positive_rate"]').textContent).toBe("16.7%");
    expect(rate(el, MALE, "selection_rate")).toBe(2 / 6);
    expect(rate(el, MALE, "accuracy")).toBe(4 / 6);
    // Unknown has no positives and predicts no one: TPR and precision undefined.
    expect(value(el, UNKNOWN, '[data-rate="true_positive_rate"]')).toBe("");
    expect(query(row(el, UNKNOWN), '[data-rate="precision"]').textContent).toBe("—");
    expect(rate(el, UNKNOWN, "accuracy")).toBe(1);
  });

  it("marks the columns of the rates the constraint equalises", () => {
    const { el } = mount();
    const constrained = Array.from(el.querySelectorAll<HTMLElement>(".fw-group-table .fw-constrained"));
    expect(new Set(constrained.map((cell) => cell.dataset["column"] ?? cell.dataset["rate"]))).toEqual(
      new Set(["true_positive_rate"]),
    );
    expect(constrained).toHaveLength(4); // the head and three rows
  });

  it("summarises the objective, the disparity and the selected point", () => {
    const { el } = mount();
    expect(Number(summary(el, "objective"))).toBeCloseTo(15 / 19, 15);
    expect(query(el, '[data-summary="objective"]').textContent).toBe("78.95%");
    expect(Number(summary(el, "disparity"))).toBe(0.25);
    expect(query(el, '[data-summary="disparity"]').textContent).toBe("0.250");
    expect(summary(el, "point")).toBe("3");
    expect(query(el, '[data-summary="point"]').textContent).toContain("Frontier point 3");
    expect(query(el, ".fw-summary").textContent).toContain("disparity (equal opportunity)");
  });

  it("draws one focusable element per frontier point, lines, markers, mitigations, axis labels and a legend", () => {
    const { el } = mount();
    const svg = query<SVGSVGElement>(el, "svg.fw-frontier-chart");

    const marks = Array.from(svg.querySelectorAll<SVGGElement>("[data-point]"));
    expect(marks.map((mark) => mark.getAttribute("data-point")).sort()).toEqual(["0", "1", "2", "3", "4"]);
    for (const mark of marks) {
      expect(mark.getAttribute("tabindex")).toBe("0");
      expect(mark.getAttribute("role")).toBe("button");
      expect(mark.getAttribute("aria-label")).toMatch(/^Point \d/);
    }
    // The frontier in tab order from the fairest point, then the reference points.
    expect(marks.map((mark) => mark.getAttribute("data-point"))).toEqual(["2", "4", "3", "0", "1"]);
    expect(pointMark(el, 3).classList.contains("fw-selected")).toBe(true);
    expect(pointMark(el, 3).getAttribute("aria-pressed")).toBe("true");
    expect(pointMark(el, 2).getAttribute("aria-pressed")).toBe("false");
    expect(pointMark(el, 4).getAttribute("data-kind")).toBe("randomised thresholds");
    expect(svg.querySelectorAll("path.fw-frontier-line.fw-kind-thresholds")).toHaveLength(1);
    expect(svg.querySelectorAll("path.fw-frontier-line")).toHaveLength(1); // one randomised point: no line
    expect(Array.from(svg.querySelectorAll(".fw-point-label"), (label) => label.textContent).sort()).toEqual([
      "single threshold",
      "unconstrained",
    ]);

    const axisLabels = Array.from(svg.querySelectorAll(".fw-axis-label"), (label) => label.textContent);
    expect(axisLabels).toEqual(["disparity (equal opportunity)", "Accuracy"]);

    const triangles = Array.from(svg.querySelectorAll<SVGGElement>("g.fw-mitigation"));
    expect(triangles).toHaveLength(3);
    expect(query(triangles[0] as Element, "title").textContent).toContain("fairlearn ExponentiatedGradient (eps=0.01)");
    expect(triangles.some((one) => one.hasAttribute("tabindex"))).toBe(false);
    expect(svg.querySelectorAll('path.fw-mitigation-curve[data-curve="ExponentiatedGradient"]')).toHaveLength(1);
    expect(Array.from(svg.querySelectorAll(".fw-mitigation-label"), (label) => label.textContent)).toEqual([
      "ExponentiatedGradient",
      "Reweighing",
    ]);
    expect(el.querySelectorAll(".fw-mitigation-list tbody tr")).toHaveLength(3);

    const legend = Array.from(el.querySelectorAll(".fw-legend li"), (item) => item.textContent);
    expect(legend).toEqual([
      "Per-group thresholds",
      "Randomised per-group thresholds",
      "One threshold for everyone",
      "Unconstrained (each group's best)",
      "Other methods (fairlearn, aif360…)",
      "Current selection",
    ]);
  });

  it("offers the constraints and objectives, with the current ones selected", () => {
    const { el } = mount();
    const constraint = query<HTMLSelectElement>(el, "select.fw-constraint-select");
    const objective = query<HTMLSelectElement>(el, "select.fw-objective-select");
    expect(Array.from(constraint.options, (option) => option.value)).toEqual(tradeoffState().constraint_options);
    expect(constraint.value).toBe("equal_opportunity");
    expect(Array.from(objective.options, (option) => option.text)).toEqual(["Accuracy", "Balanced accuracy", "Cost"]);
    expect(objective.options[2]?.title).toBe("Value (minus the mean cost per person)");
    expect(objective.value).toBe("accuracy");
    expect(query(el, ".fw-title").textContent).toBe("Per-group thresholds by sex");
  });
});

describe("TradeoffExplorer sliders", () => {
  it("update the row, the summary and the ring on input, without writing the model", () => {
    const { el, model } = mount();
    const ringBefore = ring(el);

    moveTo(slider(el, FEMALE), 4, false);

    expect(value(el, FEMALE, ".fw-threshold")).toBe("0.3");
    expect(["tp", "fp", "fn", "tn"].map((name) => value(el, FEMALE, `[data-count="${name}"]`))).toEqual([
      "4",
      "6",
      "0",
      "0",
    ]);
    expect(rate(el, FEMALE, "selection_rate")).toBe(1);
    expect(rate(el, FEMALE, "precision")).toBe(0.4);
    // 11 of 19 right; TPR 1 against .5.
    expect(Number(summary(el, "objective"))).toBeCloseTo(11 / 19, 15);
    expect(Number(summary(el, "disparity"))).toBe(0.5);
    expect(summary(el, "point")).toBe("-1");
    expect(pointMark(el, 3).classList.contains("fw-selected")).toBe(false);
    expect(ring(el)).not.toEqual(ringBefore);
    // The other rows did not change.
    expect(rate(el, MALE, "true_positive_rate")).toBe(0.5);
    expect(model.sets).toEqual([]);
    expect(model.saveCount).toBe(0);
  });

  it("write the selection with the moved group collapsed, and selected_point -1, on release", () => {
    const { el, model } = mount(tradeoffState({ selection: points()[4]?.choice ?? [], selected_point: 4 }));
    expect(query(row(el, MALE), ".fw-mix").textContent).toBe("mix:\u00a00.50\u00a0×\u00a00.8 + 0.50\u00a0×\u00a00.6");

    moveTo(slider(el, FEMALE), 1);

    expect(model.sets).toEqual([
      {
        key: "selection",
        value: [
          [[1, 1]],
          [
            [1, 0.5],
            [2, 0.5],
          ],
          [[0, 1]],
        ],
      },
      { key: "selected_point", value: -1 },
    ]);
    expect(model.saveCount).toBe(1);
    // The view's own write does not reset what it shows.
    expect(slider(el, FEMALE).value).toBe("1");
    expect(query(row(el, MALE), ".fw-mix").hidden).toBe(false);
  });

  it("save at most once per interval, the last move at the end", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model } = mount();

    moveTo(slider(el, FEMALE), 3);
    moveTo(slider(el, FEMALE), 4); // e.g. an arrow key held down
    moveTo(slider(el, MALE), 3);
    expect(model.saveCount).toBe(1);
    expect(model.get("selection")[0]).toEqual([[3, 1]]);

    vi.advanceTimersByTime(SAVE_INTERVAL_MS);

    expect(model.saveCount).toBe(2);
    expect(model.get("selection")).toEqual([[[4, 1]], [[3, 1]], [[0, 1]]]);
    expect(model.get("selected_point")).toBe(-1);
    vi.advanceTimersByTime(10 * SAVE_INTERVAL_MS);
    expect(model.saveCount).toBe(2);
  });

  it("handle a change with no input event, and ignore a release that moved nothing", () => {
    const { el, model } = mount();
    const input = slider(el, MALE);

    input.value = "2";
    input.dispatchEvent(new Event("change", { bubbles: true }));
    expect(rate(el, MALE, "true_positive_rate")).toBe(1);
    expect(model.get("selection")[1]).toEqual([[2, 1]]);
    expect(model.saveCount).toBe(1);

    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    input.dispatchEvent(new Event("change", { bubbles: true }));
    vi.advanceTimersByTime(SAVE_INTERVAL_MS);
    expect(model.saveCount).toBe(1);
  });

  it("measure each update with the Performance API", () => {
    const { el } = mount();
    performance.clearMeasures(UPDATE_MEASURE);

    moveTo(slider(el, FEMALE), 1, false);
    moveTo(slider(el, FEMALE), 2, false);

    const measures = performance.getEntriesByName(UPDATE_MEASURE, "measure");
    expect(measures).toHaveLength(2);
    expect(measures[0]?.duration).toBeGreaterThanOrEqual(0);
  });

  it("update 50 groups x 500 points fast: one group recomputed, not all", () => {
    const { el } = mount(largeState(50, 500));
    expect(el.querySelectorAll('input[type="range"]')).toHaveLength(50);
    const input = slider(el, "group 17");
    expect(input.max).toBe("499");
    performance.clearMeasures(UPDATE_MEASURE);

    for (let index = 0; index < 100; index += 1) {
      moveTo(input, (index * 37) % 500, false);
    }

    const durations = performance.getEntriesByName(UPDATE_MEASURE, "measure").map((entry) => entry.duration);
    expect(durations).toHaveLength(100);
    const sorted = [...durations].sort((a, b) => a - b);
    // The median in happy-dom on a slow CI machine, with a wide margin: the budget is 16 ms a frame.
    expect(sorted[50]).toBeLessThan(8);
  });
});

describe("TradeoffExplorer ring", () => {
  it("stays at the chart's edge, dashed, when the selection is off the chart", () => {
    const { el } = mount();
    // Everyone predicted positive: 6 of 19 right, far below every point on the chart.
    for (const group of [FEMALE, MALE, UNKNOWN]) {
      const input = slider(el, group);
      moveTo(input, Number(input.max), false);
    }
    const [, y] = ring(el);
    const bottom = Math.max(...Array.from(el.querySelectorAll("[data-point]"), (mark) => position(mark)[1]));
    expect(y).toBeGreaterThan(bottom);
    expect(query(el, ".fw-ring").classList.contains("fw-off-chart")).toBe(true);
    expect(query(el, ".fw-ring title").textContent).toContain("outside the chart");
  });

  it("is hidden when the disparity is undefined", () => {
    const { el, model } = mount();
    model.set("rate_names", []);
    expect(query(el, ".fw-ring").getAttribute("display")).toBe("none");
    expect(summary(el, "disparity")).toBe("");
    expect(query(el, '[data-summary="disparity"]').textContent).toBe("—");
    model.set("rate_names", ["precision"]);
    expect(query(el, ".fw-ring").hasAttribute("display")).toBe(false);
  });
});

describe("TradeoffExplorer frontier points", () => {
  it("clicking a point sets selection to its choice and selected_point, saves once and moves the sliders", () => {
    const { el, model } = mount();

    click(query(pointMark(el, 4), ".fw-point-mark"));

    expect(model.sets).toEqual([
      { key: "selection", value: points()[4]?.choice },
      { key: "selected_point", value: 4 },
    ]);
    expect(model.saveCount).toBe(1);
    // Ties go to the first threshold of the mix.
    expect([FEMALE, MALE, UNKNOWN].map((group) => slider(el, group).value)).toEqual(["2", "1", "0"]);
    expect(query(row(el, FEMALE), ".fw-mix").textContent).toBe("mix:\u00a00.50\u00a0×\u00a00.7 + 0.50\u00a0×\u00a00.5");
    expect(query(row(el, FEMALE), ".fw-mix").hidden).toBe(false);
    expect(rate(el, FEMALE, "true_positive_rate")).toBe(0.875);
    expect(Number(value(el, FEMALE, '[data-count="tp"]'))).toBe(3.5);
    expect(query(row(el, FEMALE), '[data-count="tp"]').textContent).toBe("3.5");
    expect(Number(summary(el, "objective"))).toBeCloseTo(14.5 / 19, 15);
    expect(Number(summary(el, "disparity"))).toBeCloseTo(0.125, 15);
    expect(summary(el, "point")).toBe("4");
    expect(pointMark(el, 4).classList.contains("fw-selected")).toBe(true);
    expect(pointMark(el, 3).classList.contains("fw-selected")).toBe(false);
  });

  it("puts the ring on the point chosen", () => {
    const { el } = mount();
    expectAt(ring(el), position(pointMark(el, 3)));
    click(pointMark(el, 2));
    expectAt(ring(el), position(pointMark(el, 2)));
    click(pointMark(el, 0));
    expectAt(ring(el), position(pointMark(el, 0)));
    expect(query(el, ".fw-ring").classList.contains("fw-off-chart")).toBe(false);
  });

  it("Enter or Space on a focused point chooses it; other keys and clicks elsewhere do nothing", () => {
    const { el, model } = mount();
    const mark = pointMark(el, 2);
    mark.focus();

    press(mark, "a");
    press(slider(el, FEMALE), "Enter");
    click(query(el, ".fw-title"));
    click(query(el, "svg.fw-frontier-chart .fw-axis-label"));
    click(query(el, "svg.fw-frontier-chart g.fw-mitigation"));
    expect(model.sets).toEqual([]);

    press(mark, "Enter");
    expect(model.get("selected_point")).toBe(2);
    expect(model.get("selection")).toEqual([[[3, 1]], [[2, 1]], [[0, 1]]]);
    expect(model.saveCount).toBe(1);

    const space = press(pointMark(el, 1), " ");
    expect(space.defaultPrevented).toBe(true);
    expect(model.get("selected_point")).toBe(1);
    expect(slider(el, UNKNOWN).value).toBe("1");
  });

  it("a click drops a slider move still waiting to be saved", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model } = mount();
    moveTo(slider(el, FEMALE), 4);
    moveTo(slider(el, FEMALE), 3); // waits for the throttle
    click(pointMark(el, 0));
    vi.advanceTimersByTime(SAVE_INTERVAL_MS * 4);
    expect(model.saveCount).toBe(2);
    expect(model.get("selected_point")).toBe(0);
    expect(model.get("selection")).toEqual(points()[0]?.choice);
  });
});

describe("TradeoffExplorer follows changes from Python", () => {
  it("selection and selected_point: rows, sliders, summary and highlight", () => {
    const { el, model } = mount();

    model.set("selection", [[[4, 1]], [[3, 1]], [[1, 1]]]);
    model.set("selected_point", -1);

    expect([FEMALE, MALE, UNKNOWN].map((group) => slider(el, group).value)).toEqual(["4", "3", "1"]);
    expect(rate(el, UNKNOWN, "selection_rate")).toBe(1);
    // Everyone predicted positive: 6 of 19 right.
    expect(Number(summary(el, "objective"))).toBeCloseTo(6 / 19, 15);
    expect(summary(el, "point")).toBe("-1");
    expect(el.querySelectorAll(".fw-point.fw-selected")).toHaveLength(0);

    model.set("selected_point", 2);
    expect(pointMark(el, 2).classList.contains("fw-selected")).toBe(true);
    expect(model.saveCount).toBe(0);
  });

  it("a Python selection does not undo a slider move not yet saved; after the save it applies", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model } = mount();
    moveTo(slider(el, FEMALE), 4, false);

    model.set("selection", [[[0, 1]], [[0, 1]], [[0, 1]]]);
    expect(slider(el, FEMALE).value).toBe("4");

    slider(el, FEMALE).dispatchEvent(new Event("change", { bubbles: true }));
    expect(model.get("selection")[0]).toEqual([[4, 1]]);
    model.set("selection", [[[1, 1]], [[0, 1]], [[0, 1]]]);
    expect(slider(el, FEMALE).value).toBe("1");
  });

  it("groups: rebuilds the rows and sliders", () => {
    const { el, model } = mount();
    const state = largeState(4, 20);

    model.set("groups", state.groups);

    const names = Array.from(
      el.querySelectorAll<HTMLTableRowElement>("tbody > tr[data-group]"),
      (one) => one.dataset["group"],
    );
    expect(names).toEqual(["group 0", "group 1", "group 2", "group 3"]);
    expect(el.querySelectorAll('input[type="range"]')).toHaveLength(4);
    expect(slider(el, "group 2").max).toBe("19");
    // The old selection's indices are kept where they fit, and groups without one start at point 0.
    expect(slider(el, "group 0").value).toBe("2");
    expect(slider(el, "group 3").value).toBe("0");
    expect(model.saveCount).toBe(0);
  });

  it("points and mitigations: redraws the chart", () => {
    const { el, model } = mount();
    model.set("points", points().slice(0, 3));
    expect(el.querySelectorAll("[data-point]")).toHaveLength(3);
    expect(summary(el, "point")).toBe("-1"); // point 3 is gone
    model.set("mitigations", []);
    expect(el.querySelectorAll("g.fw-mitigation")).toHaveLength(0);
    expect(query<HTMLDetailsElement>(el, ".fw-mitigation-list").hidden).toBe(true);
    expect(Array.from(el.querySelectorAll(".fw-legend li"), (item) => item.textContent)).not.toContain(
      "Other methods (fairlearn, aif360…)",
    );
  });

  it("weights and rate_names: recomputes the objective and the disparity", () => {
    const { el, model } = mount();
    model.set("weights", { tp: 1, fp: 2, constant: 0 });
    expect(Number(summary(el, "objective"))).toBe(4 - 2 * 2);

    model.set("rate_names", ["selection_rate", "false_positive_rate"]);
    expect(Number(summary(el, "disparity"))).toBe(0.4);
    const constrained = Array.from(
      el.querySelectorAll<HTMLElement>("thead .fw-constrained"),
      (cell) => cell.dataset["column"],
    );
    expect(constrained).toEqual(["selection_rate", "false_positive_rate"]);
    expect(model.saveCount).toBe(0);
  });

  it("constraint, objective and attribute: selects, labels and title", () => {
    const { el, model } = mount();
    model.set("constraint", "demographic_parity");
    model.set("objective", "cost");
    model.set("attribute", "race");

    expect(query<HTMLSelectElement>(el, "select.fw-constraint-select").value).toBe("demographic_parity");
    expect(query<HTMLSelectElement>(el, "select.fw-objective-select").value).toBe("cost");
    expect(Array.from(el.querySelectorAll(".fw-axis-label"), (label) => label.textContent)).toEqual([
      "disparity (demographic parity)",
      "Value (minus the mean cost per person)",
    ]);
    expect(query(el, ".fw-title").textContent).toBe("Per-group thresholds by race");
    expect(query(el, '[data-summary="objective"]').textContent).toBe("0.7895");
    expect(model.saveCount).toBe(0);
  });

  it("keeps keyboard focus on a point when the chart is redrawn", () => {
    const { el, model } = mount();
    pointMark(el, 2).focus();
    model.set("mitigations", []);
    expect(document.activeElement).toBe(pointMark(el, 2));
  });
});

describe("TradeoffExplorer writes constraint and objective", () => {
  it("sets the trait and saves once when a select changes", () => {
    const { el, model } = mount();
    choose(query<HTMLSelectElement>(el, "select.fw-constraint-select"), "equalized_odds");
    expect(model.sets).toEqual([{ key: "constraint", value: "equalized_odds" }]);
    expect(model.saveCount).toBe(1);
    choose(query<HTMLSelectElement>(el, "select.fw-objective-select"), "balanced_accuracy");
    expect(model.get("objective")).toBe("balanced_accuracy");
    expect(model.saveCount).toBe(2);
    expect(query(el, ".fw-axis-label-y").textContent).toBe("Balanced accuracy");
  });
});

describe("TradeoffExplorer cleanup", () => {
  it("removes every model and DOM listener, empties el and stops reacting", () => {
    const dom = recordDomListeners();
    const { el, model, cleanup } = mount();
    const oldSlider = slider(el, FEMALE);
    const oldPoint = pointMark(el, 2);
    const oldSelect = query<HTMLSelectElement>(el, "select.fw-constraint-select");
    const oldSummary = query(el, '[data-summary="objective"]');
    const oldRoot = query(el, ".fw-tradeoff");
    // Some life first: redraws must not add listeners either.
    model.set("groups", largeState(3, 10).groups);
    model.set("points", points());
    click(pointMark(el, 1));
    expect(model.liveListeners.length).toBeGreaterThanOrEqual(12);
    expect(dom.added().length).toBeGreaterThanOrEqual(6);

    cleanup();

    expect(dom.stop()).toEqual([]);
    expect(model.liveListeners).toEqual([]);
    expect(model.removals).toHaveLength(model.registrations.length);
    expect(el.childNodes).toHaveLength(0);
    expect(oldRoot.isConnected).toBe(false);

    model.clearCalls();
    moveTo(oldSlider, 3);
    click(oldPoint);
    press(oldPoint, "Enter");
    choose(oldSelect, "equalized_odds");
    expect(model.sets).toEqual([]);
    expect(model.saveCount).toBe(0);
    const before = oldSummary.textContent;
    model.set("weights", { tp: 5, fp: 0, constant: 0 });
    expect(oldSummary.textContent).toBe(before);
  });

  it("saves a slider move still waiting for the throttle, then nothing more", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model, cleanup } = mount();
    moveTo(slider(el, FEMALE), 4);
    moveTo(slider(el, FEMALE), 3);
    expect(model.saveCount).toBe(1);

    cleanup();

    expect(model.saveCount).toBe(2);
    expect(model.get("selection")[0]).toEqual([[3, 1]]);
    vi.advanceTimersByTime(SAVE_INTERVAL_MS * 4);
    expect(model.saveCount).toBe(2);
  });

  it("leaves other views of the same model working, and keeps them in step", () => {
    const first = mount();
    const model = first.model;
    const { el, cleanup: second } = mountView(tradeoff.render, model);
    const perView = model.liveListeners.length / 2;

    moveTo(slider(first.el, MALE), 3);
    expect(slider(el, MALE).value).toBe("3");
    expect(summary(el, "objective")).toBe(summary(first.el, "objective"));

    first.cleanup();

    expect(model.liveListeners).toHaveLength(perView);
    click(pointMark(el, 2));
    expect(model.get("selected_point")).toBe(2);
    second();
    expect(model.liveListeners).toEqual([]);
  });
});
