import { describe, expect, it, vi } from "vitest";
import { BAR_HEIGHT, chartHeight, drawBarChart, type Bar } from "../src/shared/bar_chart";
import { labelledSelect, setChoices } from "../src/shared/controls";
import { formatInterval, formatValue } from "../src/shared/format";
import { drawGroupTable } from "../src/shared/group_table";
import { Listeners } from "../src/shared/listeners";
import { FakeModel } from "./fake_model";

describe("formatValue", () => {
  it("shows null, undefined and NaN as an em dash", () => {
    expect(formatValue(null, true)).toBe("—");
    expect(formatValue(null, false)).toBe("—");
    expect(formatValue(undefined, true)).toBe("—");
    expect(formatValue(Number.NaN, true)).toBe("—");
  });

  it("shows rates as percents with one decimal", () => {
    expect(formatValue(0.1234, true)).toBe("12.3%");
    expect(formatValue(0, true)).toBe("0.0%");
    expect(formatValue(1, true)).toBe("100.0%");
    expect(formatValue(0.0773, true)).toBe("7.7%");
  });

  it("shows counts as integers with thousands separators", () => {
    expect(formatValue(21790, false)).toBe("21,790");
    expect(formatValue(1234567, false)).toBe("1,234,567");
    expect(formatValue(12, false)).toBe("12");
    expect(formatValue(0, false)).toBe("0");
  });
});

describe("formatInterval", () => {
  it("shows both ends as percents in brackets", () => {
    expect(formatInterval(0.41, 0.442)).toBe("[41.0%, 44.2%]");
    expect(formatInterval(0, 0.0857)).toBe("[0.0%, 8.6%]");
  });

  it("is empty when either end is undefined", () => {
    expect(formatInterval(null, 0.5)).toBe("");
    expect(formatInterval(0.5, null)).toBe("");
    expect(formatInterval(undefined, undefined)).toBe("");
  });
});

describe("labelledSelect and setChoices", () => {
  const choices = [
    { value: "a", label: "Alpha", title: "The first" },
    { value: "b", label: "Beta" },
    { value: "c", label: "Gamma" },
  ];

  it("builds a labelled select with the given class", () => {
    const { root, select } = labelledSelect("Metric", "fw-metric-select");
    expect(root.tagName).toBe("LABEL");
    expect(root.textContent).toBe("Metric");
    expect(select.parentElement).toBe(root);
    expect(select.classList.contains("fw-metric-select")).toBe(true);
    expect(select.classList.contains("fw-select")).toBe(true);
  });

  it("fills options with values, labels and titles and selects the value", () => {
    const { select } = labelledSelect("Metric", "fw-metric-select");
    setChoices(select, choices, "b");
    expect(Array.from(select.options, (option) => [option.value, option.text, option.title])).toEqual([
      ["a", "Alpha", "The first"],
      ["b", "Beta", ""],
      ["c", "Gamma", ""],
    ]);
    expect(select.value).toBe("b");
  });

  it("keeps the same option elements when the choices did not change", () => {
    const { select } = labelledSelect("Metric", "fw-metric-select");
    setChoices(select, choices, "a");
    const first = select.options[0];
    expect(first).toBeDefined();

    setChoices(
      select,
      choices.map((choice) => ({ ...choice })),
      "c",
    );

    expect(select.options[0]).toBe(first);
    expect(select.options).toHaveLength(3);
    expect(select.value).toBe("c");
  });

  it("rebuilds the options when a value or label changed", () => {
    const { select } = labelledSelect("Metric", "fw-metric-select");
    setChoices(select, choices, "a");
    const first = select.options[0];

    setChoices(select, [{ value: "a", label: "Alpha!" }, ...choices.slice(1)], "a");

    expect(select.options[0]).not.toBe(first);
    expect(select.options[0]?.text).toBe("Alpha!");
    expect(select.value).toBe("a");
  });
});

describe("setChoices titles", () => {
  it("rebuilds the options when only a tooltip changed", () => {
    const { select } = labelledSelect("Metric", "fw-metric-select");
    setChoices(select, [{ value: "a", label: "Alpha", title: "old" }], "a");
    setChoices(select, [{ value: "a", label: "Alpha", title: "new" }], "a");
    expect(select.options[0]?.title).toBe("new");
  });
});

describe("chartHeight", () => {
  it("grows by one bar height per bar", () => {
    expect(chartHeight(2)).toBeGreaterThan(chartHeight(1));
    expect(chartHeight(5)).toBeGreaterThan(chartHeight(2));
    expect(chartHeight(5) - chartHeight(2)).toBe(3 * BAR_HEIGHT);
  });

  it("leaves room for one bar when there are none", () => {
    expect(chartHeight(0)).toBe(chartHeight(1));
  });
});

function bar(key: string, value: number | null, extra: Partial<Bar> = {}): Bar {
  return { key, label: key, value, low: null, high: null, small: false, selected: false, title: key, ...extra };
}

describe("drawBarChart", () => {
  const options = { domain: [0, 1] as [number, number], reference: 0.5, tickFormat: String, axisLabel: "Rate" };

  function svg(): SVGSVGElement {
    return document.createElementNS("http://www.w3.org/2000/svg", "svg");
  }

  it("draws from scratch on every call, one g.fw-bar per bar", () => {
    const chart = svg();
    drawBarChart(chart, [bar("a", 0.2), bar("b", 0.4), bar("c", 0.6)], options);
    expect(chart.querySelectorAll(".fw-bar")).toHaveLength(3);

    drawBarChart(chart, [bar("a", 0.2)], options);
    expect(Array.from(chart.querySelectorAll(".fw-bar"), (g) => g.getAttribute("data-key"))).toEqual(["a"]);
    expect(chart.querySelectorAll(".fw-axis-x")).toHaveLength(1);
    expect(chart.querySelectorAll("defs")).toHaveLength(1);
    expect(chart.getAttribute("height")).toBe(String(chartHeight(1)));
    expect(chart.getAttribute("aria-label")).toBe("Rate");
  });

  it("draws whiskers only for bars with both interval ends and marks selected bars", () => {
    const chart = svg();
    drawBarChart(
      chart,
      [bar("a", 0.2, { low: 0.1, high: 0.3, selected: true }), bar("b", 0.4, { low: 0.3 }), bar("c", null)],
      options,
    );
    const keysWith = (selector: string): (string | null)[] =>
      Array.from(chart.querySelectorAll(".fw-bar"))
        .filter((g) => g.querySelector(selector) !== null)
        .map((g) => g.getAttribute("data-key"));
    expect(keysWith(".fw-whisker")).toEqual(["a"]);
    expect(keysWith(".fw-undefined")).toEqual(["c"]);
    expect(Array.from(chart.querySelectorAll(".fw-bar.fw-selected"), (g) => g.getAttribute("data-key"))).toEqual(["a"]);
  });

  it("draws a bar longer for a larger value", () => {
    const chart = svg();
    drawBarChart(chart, [bar("a", 0.25), bar("b", 0.75)], options);
    const widths = Array.from(chart.querySelectorAll(".fw-bar-rect"), (rect) => Number(rect.getAttribute("width")));
    expect(widths[0]).toBeGreaterThan(0);
    expect(widths[1]).toBeCloseTo(3 * (widths[0] ?? 0));
  });

  it("draws the reference line only when there is a finite reference", () => {
    const chart = svg();
    drawBarChart(chart, [bar("a", 0.2)], options);
    expect(chart.querySelectorAll(".fw-reference")).toHaveLength(1);
    drawBarChart(chart, [bar("a", 0.2)], { ...options, reference: null });
    expect(chart.querySelectorAll(".fw-reference")).toHaveLength(0);
    drawBarChart(chart, [bar("a", 0.2)], { ...options, reference: Number.NaN });
    expect(chart.querySelectorAll(".fw-reference")).toHaveLength(0);
  });
});

describe("drawGroupTable", () => {
  it("draws a header per column, a focusable row per group and marks the active column", () => {
    const table = document.createElement("table");
    const columns = [
      { key: "m1", label: "Metric 1", title: "first" },
      { key: "m2", label: "Metric 2", title: "second" },
    ];
    const rows = [
      {
        key: "g1",
        label: "G1",
        cells: { m1: { text: "1", title: "t11", few: false }, m2: { text: "2", title: "t12", few: true } },
        selected: true,
        small: false,
      },
      { key: "g2", label: "G2", cells: { m1: { text: "3", title: "t21", few: false } }, selected: false, small: true },
    ];
    drawGroupTable(table, columns, rows, "m2");

    expect(Array.from(table.querySelectorAll("thead th"), (th) => th.textContent)).toEqual([
      "Group",
      "Metric 1",
      "Metric 2",
    ]);
    const body = Array.from(table.querySelectorAll("tbody tr"));
    expect(body.map((tr) => tr.getAttribute("data-key"))).toEqual(["g1", "g2"]);
    expect(body.map((tr) => tr.className)).toEqual(["fw-selected", "fw-small"]);
    expect(body.map((tr) => (tr as HTMLElement).tabIndex)).toEqual([0, 0]);
    expect(Array.from(body[1]?.querySelectorAll("td") ?? [], (td) => td.textContent)).toEqual(["3", ""]);
    expect(Array.from(table.querySelectorAll(".fw-active"), (cell) => cell.textContent)).toEqual(["Metric 2", "2", ""]);
    expect(Array.from(table.querySelectorAll("td.fw-few"), (cell) => cell.textContent)).toEqual(["2"]);

    drawGroupTable(table, columns, rows.slice(0, 1), "m1");
    expect(table.querySelectorAll("thead")).toHaveLength(1);
    expect(table.querySelectorAll("tbody tr")).toHaveLength(1);
  });
});

describe("Listeners", () => {
  it("removes every DOM and model listener on dispose, once", () => {
    const listeners = new Listeners();
    const button = document.createElement("button");
    const onClick = vi.fn();
    const onChange = vi.fn();
    const model = new FakeModel<{ metric: string }>({ metric: "a" });
    listeners.dom(button, "click", onClick);
    listeners.model(model, "change:metric", onChange);

    button.click();
    model.set("metric", "b");
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledTimes(1);

    listeners.dispose();
    button.click();
    model.set("metric", "c");
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(model.liveListeners).toEqual([]);
    expect(model.removals).toHaveLength(1);

    listeners.dispose();
    expect(model.removals).toHaveLength(1);
  });
});

describe("FakeModel", () => {
  it("fires change:<key> only when the value changes, like Backbone", () => {
    const model = new FakeModel<{ metric: string; overall: Record<string, number> }>({
      metric: "a",
      overall: { x: 1 },
    });
    const onMetric = vi.fn();
    const onOverall = vi.fn();
    model.on("change:metric", onMetric);
    model.on("change:overall", onOverall);

    model.set("metric", "a");
    model.set("overall", { x: 1 });
    expect(onMetric).not.toHaveBeenCalled();
    expect(onOverall).not.toHaveBeenCalled();

    model.set("metric", "b");
    model.set("overall", { x: 2 });
    expect(onMetric).toHaveBeenCalledTimes(1);
    expect(onOverall).toHaveBeenCalledTimes(1);
    expect(model.sets).toHaveLength(4);

    model.off("change:metric", onMetric);
    expect(model.liveListeners).toHaveLength(1);
    model.off();
    expect(model.liveListeners).toHaveLength(0);
    expect(model.removals).toHaveLength(2);
  });
});

describe("drawBarChart hatching", () => {
  it("gives each chart its own pattern id, used by its own small bars", () => {
    const charts = [0, 1].map(() => document.createElementNS("http://www.w3.org/2000/svg", "svg"));
    const small = { key: "g", label: "g", value: 0.4, low: 0.1, high: 0.7, small: true, selected: false, title: "g" };
    const options = { domain: [0, 1] as [number, number], reference: null, tickFormat: String, axisLabel: "Rate" };
    for (const chart of charts) {
      drawBarChart(chart, [small], options);
      drawBarChart(chart, [small], options); // a redraw keeps the chart's id
    }
    const ids = charts.map((chart) => chart.querySelector("pattern")?.getAttribute("id"));
    expect(ids[0]).toBeTruthy();
    expect(ids[0]).not.toBe(ids[1]);
    charts.forEach((chart, index) => {
      expect(chart.querySelectorAll("pattern")).toHaveLength(1);
      expect(chart.querySelector(".fw-bar-hatch")?.getAttribute("fill")).toBe(`url(#${ids[index]})`);
    });
  });
});
