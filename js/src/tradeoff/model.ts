/** The TradeoffExplorer's synced state: every trait the front end reads or writes, typed once. */

/** One group's operating points, from predicting no one (point 0) to predicting everyone. */
export interface GroupPoints {
  name: string;
  size: number;
  positives: number;
  negatives: number;
  /** Point k predicts positive when score >= thresholds[k]; descending; index 0 is null (+infinity). */
  thresholds: Array<number | null>;
  /** Cumulative true and false positives at each point (non-decreasing). */
  tp: number[];
  fp: number[];
}

/** A group's thresholds: [point index, probability] pairs (one pair with probability 1 unless randomised). */
export type Choice = Array<[number, number]>;

/** objective = constant + tp * sum of TP - fp * sum of FP (expected counts, over groups). */
export interface Weights {
  tp: number;
  fp: number;
  constant: number;
}

export type PointKind = "thresholds" | "randomised thresholds" | "single threshold" | "unconstrained";

export interface FrontierPoint {
  point: number;
  kind: PointKind;
  /** Allowed disparity the point was searched for; null for the reference points. */
  epsilon: number | null;
  disparity: number;
  objective: number;
  /** One choice per group, in the order of `groups`. */
  choice: Choice[];
}

/** A model from another library (fairlearn, aif360) placed on the same axes. */
export interface Mitigation {
  label: string;
  method: string;
  params: string;
  disparity: number;
  objective: number;
  /** Points sharing a curve are joined by a line, in the order given. */
  curve: string | null;
}

export interface TradeoffModel {
  attribute: string;
  /** Written by the browser: the fairness constraint (Python recomputes points, weights, rate_names). */
  constraint: string;
  /** Written by the browser: what the thresholds maximise. */
  objective: string;
  constraint_options: string[];
  objective_options: string[];
  groups: GroupPoints[];
  weights: Weights;
  /** The rates the constraint equalises (selection_rate, true_positive_rate, false_positive_rate, precision). */
  rate_names: string[];
  points: FrontierPoint[];
  mitigations: Mitigation[];
  /** Written by the browser: the current choice per group. */
  selection: Choice[];
  /** Written by the browser: the frontier point the selection came from, -1 when set by sliders. */
  selected_point: number;
}
