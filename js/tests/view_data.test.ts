import { describe, expect, it } from "vitest";
import { bars, currentMetric, currentRows, tableColumns, tableRows } from "../src/dashboard/view_data";
import { SEX, SEX_RACE, SMALL_GROUP, UNDEFINED_TPR_GROUP, dashboardState } from "./fixtures";

describe("currentMetric", () => {
  it("finds the metric option by key", () => {
    expect(currentMetric(dashboardState({ metric: "count" })).label).toBe("Count");
  });

  it("falls back to the first option for an unknown key", () => {
    expect(currentMetric(dashboardState({ metric: "nope" })).key).toBe("selection_rate");
  });

  it("throws a clear error when there are no options", () => {
    expect(() => currentMetric(dashboardState({ metric_options: [] }))).toThrow(/no metrics/);
  });
});

describe("currentRows", () => {
  it("is empty for an unknown attribute", () => {
    expect(currentRows(dashboardState({ attribute: "age" }))).toEqual([]);
  });
});

describe("bars", () => {
  it("has one bar per group with the metric's value and interval", () => {
    const shown = bars(dashboardState({ selected_group: "Male" }));
    expect(shown.map((bar) => [bar.key, bar.value, bar.low, bar.high, bar.selected])).toEqual([
      ["Female", 0.0773, 0.0724, 0.0825, false],
      ["Male", 0.2361, 0.2305, 0.2418, true],
    ]);
    expect(shown[1]?.title).toBe(
      "Male\nSelection rate: 23.6% [23.1%, 24.2%] (95% CI)\nn = 21,790 of 21,790 in the group",
    );
  });

  it("drops the interval for counts", () => {
    const shown = bars(dashboardState({ metric: "count" }));
    expect(shown.map((bar) => [bar.value, bar.low, bar.high])).toEqual([
      [10771, null, null],
      [21790, null, null],
    ]);
    expect(shown[0]?.title).toBe("Female\nCount: 10,771\nn = 10,771 of 10,771 in the group");
  });

  it("labels small groups with their size and keeps undefined rates null", () => {
    const shown = bars(dashboardState({ attribute: SEX_RACE, metric: "true_positive_rate" }));
    const small = shown.find((bar) => bar.key === SMALL_GROUP);
    expect(small?.label).toBe(`${SMALL_GROUP} (n=2)`); // the TPR rests on its 2 actual positives
    expect(small?.small).toBe(true);
    expect(small?.title).toContain("Measured on fewer than 30 people");
    const undefinedRate = shown.find((bar) => bar.key === UNDEFINED_TPR_GROUP);
    expect(undefinedRate).toMatchObject({
      label: `${UNDEFINED_TPR_GROUP} (n=0)`,
      value: null,
      low: null,
      high: null,
      small: true,
    });
    expect(undefinedRate?.title).toBe(
      `${UNDEFINED_TPR_GROUP}\nTrue positive rate: —\nn = 0 of 41 in the group\nMeasured on fewer than 30 people: read with care.`,
    );
  });
});

describe("tableColumns and tableRows", () => {
  it("has one column per metric option", () => {
    expect(tableColumns(dashboardState()).map((column) => column.key)).toEqual([
      "selection_rate",
      "true_positive_rate",
      "count",
    ]);
  });

  it("has one row per group with every metric formatted", () => {
    const rows = tableRows(dashboardState({ attribute: SEX_RACE, selected_group: SMALL_GROUP }));
    expect(rows.map((row) => row.key)).toHaveLength(5);
    const undefinedRate = rows.find((row) => row.key === UNDEFINED_TPR_GROUP);
    expect(undefinedRate?.cells["true_positive_rate"]?.text).toBe("—");
    expect(undefinedRate?.cells["selection_rate"]?.text).toBe("0.0%");
    expect(undefinedRate?.cells["count"]?.text).toBe("41");
    const small = rows.find((row) => row.key === SMALL_GROUP);
    expect(small).toMatchObject({ label: SMALL_GROUP, selected: true, small: true });
    expect(rows.filter((row) => row.selected)).toHaveLength(1);
  });

  it("uses the current attribute's groups", () => {
    expect(tableRows(dashboardState({ attribute: SEX })).map((row) => row.label)).toEqual(["Female", "Male"]);
  });
});
