/**
 * SliceExplorer state shaped like what fairness_widgets.SliceExplorer syncs (Adult-like
 * accuracy slices, lower is worse), and a generator of large lists for the speed test.
 *
 * Significant: S_AGE (order 2), S_BLACK (1), S_SMALL (3, 12 people), S_EDUCATION (1).
 * Not significant: S_FEMALE_BLACK (2, interval across zero), S_YOUNG (1), S_MALE_AGE (2, 25 people),
 * S_WHITE (1, better than the rest: negative effect).
 */
import type { Drilldown, Heatmap, SliceRow, SlicesModel } from "../src/slices/model";

export const S_AGE = "s-female-45";
export const S_BLACK = "s-black";
export const S_SMALL = "s-female-other-60";
export const S_EDUCATION = "s-hs-grad";
export const S_FEMALE_BLACK = "s-female-black";
export const S_YOUNG = "s-young";
export const S_MALE_AGE = "s-male-45";
export const S_WHITE = "s-white";

type Stats = [
  size: number,
  value: number,
  rest: number,
  low: number,
  high: number,
  p: number,
  q: number,
  significant: boolean,
];

function slice(id: string, predicates: Array<[string, string, string]>, stats: Stats): SliceRow {
  const [size, value, rest, low, high, p, q, significant] = stats;
  return {
    id,
    text: predicates.map(([, , text]) => text).join(" ∧ "),
    predicates: predicates.map(([feature, level]) => ({ feature, value: level })),
    order: predicates.length,
    size,
    value,
    rest_value: rest,
    effect: rest - value,
    ci_low: low,
    ci_high: high,
    p_value: p,
    q_value: q,
    significant,
  };
}

const FEMALE: [string, string, string] = ["sex", "Female", "sex = Female"];
const MALE: [string, string, string] = ["sex", "Male", "sex = Male"];
const AGE_45: [string, string, string] = ["age", "[45, 60)", "age ∈ [45, 60)"];

export function slices(): SliceRow[] {
  return [
    slice(S_AGE, [FEMALE, AGE_45], [1210, 0.62, 0.81, 0.16, 0.22, 1e-9, 2e-8, true]),
    slice(S_BLACK, [["race", "Black", "race = Black"]], [3124, 0.7, 0.8, 0.08, 0.12, 1e-6, 1e-5, true]),
    slice(
      S_SMALL,
      [FEMALE, ["race", "Other", "race = Other"], ["age", "[60, 90)", "age ∈ [60, 90)"]],
      [12, 0.5, 0.8, 0.02, 0.55, 0.01, 0.03, true],
    ),
    slice(
      S_EDUCATION,
      [["education", "HS-grad", "education = HS-grad"]],
      [10501, 0.78, 0.8, 0.01, 0.03, 0.002, 0.006, true],
    ),
    slice(
      S_FEMALE_BLACK,
      [FEMALE, ["race", "Black", "race = Black"]],
      [1555, 0.76, 0.8, -0.01, 0.09, 0.08, 0.16, false],
    ),
    slice(S_YOUNG, [["age", "[17, 28)", "age ∈ [17, 28)"]], [8054, 0.79, 0.8, -0.005, 0.025, 0.2, 0.35, false]),
    slice(S_MALE_AGE, [MALE, AGE_45], [25, 0.7, 0.8, -0.08, 0.28, 0.3, 0.45, false]),
    slice(S_WHITE, [["race", "White", "race = White"]], [27816, 0.81, 0.75, -0.07, -0.05, 0.99, 1, false]),
  ];
}

export const SIGNIFICANT = [S_AGE, S_BLACK, S_SMALL, S_EDUCATION];
export const ALL = [S_AGE, S_BLACK, S_SMALL, S_EDUCATION, S_FEMALE_BLACK, S_YOUNG, S_MALE_AGE, S_WHITE];

/** Accuracy over sex × race; Female × Other is empty, Male × Other has 12 people. */
export function heatmap(): Heatmap {
  return {
    row_feature: "sex",
    col_feature: "race",
    rows: ["Female", "Male"],
    cols: ["White", "Black", "Other"],
    values: [
      [0.79, 0.76, null],
      [0.81, 0.68, 0.5],
    ],
    sizes: [
      [8642, 1555, 0],
      [19174, 1569, 12],
    ],
    rest_value: 0.8,
  };
}

export function drilldown(id = S_AGE, text = "sex = Female ∧ age ∈ [45, 60)"): Drilldown {
  return {
    id,
    text,
    rows: [
      {
        metric: "accuracy",
        label: "Accuracy",
        slice: 0.62,
        rest: 0.81,
        difference: -0.19,
        ci_low: -0.22,
        ci_high: -0.16,
        slice_n: 1210,
        rest_n: 31351,
      },
      {
        metric: "true_positive_rate",
        label: "True positive rate",
        slice: 0.41,
        rest: 0.6,
        difference: -0.19,
        ci_low: -0.27,
        ci_high: -0.11,
        slice_n: 24,
        rest_n: 7817,
      },
      {
        metric: "count",
        label: "Count",
        slice: 1210,
        rest: 31351,
        difference: null,
        ci_low: null,
        ci_high: null,
        slice_n: 1210,
        rest_n: 31351,
      },
    ],
  };
}

export function slicesState(overrides: Partial<SlicesModel> = {}): SlicesModel {
  return {
    metric: "accuracy",
    metric_options: [
      { key: "accuracy", label: "Accuracy" },
      { key: "true_positive_rate", label: "True positive rate" },
      { key: "selection_rate", label: "Selection rate" },
    ],
    fdr: 0.05,
    max_order: 3,
    slices: slices(),
    filters: { order: null, min_size: 0, significant_only: true, search: "" },
    heatmap_features: ["sex", "race", "age", "education"],
    heatmap: heatmap(),
    heat_rows: "sex",
    heat_cols: "race",
    selected: "",
    drilldown: { id: "", text: "", rows: [] },
    annotations: {},
    ...overrides,
  };
}

/** `count` slices ranked worst first; every other one significant, orders 1 to 3. */
export function manySlices(count: number): SliceRow[] {
  return Array.from({ length: count }, (_, index) => {
    const order = 1 + (index % 3);
    const predicates = Array.from({ length: order }, (__, k) => ({
      feature: `feature_${k}`,
      value: `level_${(index + k) % 11}`,
    }));
    const effect = 0.3 - (0.29 * index) / count;
    return {
      id: `slice-${index}`,
      text: predicates.map((one) => `${one.feature} = ${one.value}`).join(" ∧ "),
      predicates,
      order,
      size: 10 + ((index * 37) % 5000),
      value: 0.8 - effect,
      rest_value: 0.8,
      effect,
      ci_low: effect - 0.05,
      ci_high: effect + 0.05,
      p_value: index / count,
      q_value: Math.min(1, (2 * index) / count),
      significant: index % 2 === 0,
    };
  });
}
