/** Dashboard state shaped like what fairness_widgets.Dashboard syncs (Adult-like numbers). */
import type { DashboardModel, GroupRow, MetricOption } from "../src/dashboard/model";

export const METRIC_OPTIONS: MetricOption[] = [
  {
    key: "selection_rate",
    label: "Selection rate",
    description: "Share of the group predicted positive (e.g. approved).",
    is_rate: true,
  },
  {
    key: "true_positive_rate",
    label: "True positive rate",
    description: "Of the group's actual positives, the share predicted positive (recall).",
    is_rate: true,
  },
  {
    key: "count",
    label: "Count",
    description: "Number of people in the group.",
    is_rate: false,
  },
];

/** [value, ci_low, ci_high, n] of one rate metric; value null when n is 0 (undefined rate). */
type RateCell = [number | null, number | null, number | null, number];

function group(name: string, size: number, selection: RateCell, truePositive: RateCell, minGroupSize = 30): GroupRow {
  return {
    group: name,
    size,
    small: size < minGroupSize,
    value: { selection_rate: selection[0], true_positive_rate: truePositive[0], count: size },
    ci_low: { selection_rate: selection[1], true_positive_rate: truePositive[1], count: null },
    ci_high: { selection_rate: selection[2], true_positive_rate: truePositive[2], count: null },
    n: { selection_rate: selection[3], true_positive_rate: truePositive[3], count: size },
  };
}

export const SEX = "sex";
export const SEX_RACE = "sex × race";
/** The group under min_group_size. */
export const SMALL_GROUP = "Female × Other";
/** The group with no actual positives: its true positive rate is undefined (null). */
export const UNDEFINED_TPR_GROUP = "Male × Other";

export function tables(): Record<string, GroupRow[]> {
  return {
    [SEX]: [
      group("Female", 10771, [0.0773, 0.0724, 0.0825, 10771], [0.4919, 0.4634, 0.5205, 1179]),
      group("Male", 21790, [0.2361, 0.2305, 0.2418, 21790], [0.6249, 0.6132, 0.6364, 6662]),
    ],
    [SEX_RACE]: [
      group("Female × White", 8642, [0.0846, 0.0789, 0.0906, 8642], [0.4987, 0.468, 0.5294, 1028]),
      group("Female × Black", 1555, [0.0424, 0.0335, 0.0535, 1555], [0.4211, 0.325, 0.5235, 95]),
      group(SMALL_GROUP, 12, [0.0833, 0.0149, 0.3539, 12], [0.5, 0.0945, 0.9055, 2]),
      group("Male × White", 19174, [0.2437, 0.2377, 0.2498, 19174], [0.6283, 0.6164, 0.64, 6166]),
      group(UNDEFINED_TPR_GROUP, 41, [0, 0, 0.0857, 41], [null, null, null, 0]),
    ],
  };
}

/** A fresh copy of the whole synced state, with optional overrides. */
export function dashboardState(overrides: Partial<DashboardModel> = {}): DashboardModel {
  return {
    metric: "selection_rate",
    attribute: SEX,
    selected_group: "",
    metric_options: structuredClone(METRIC_OPTIONS),
    tables: tables(),
    overall: { selection_rate: 0.1836, true_positive_rate: 0.6049, count: 32561 },
    min_group_size: 30,
    ...overrides,
  };
}
