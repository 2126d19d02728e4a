/**
 * TradeoffExplorer state small enough to check by hand (19 people in three groups), and a
 * generator of large states (50 groups x 500 points) for the speed test.
 *
 * Female: 10 people, 4 positives: thresholds none, .9, .7, .5, .3 -> TP 0 2 3 4 4, FP 0 0 1 3 6
 * Male:    6 people, 2 positives: thresholds none, .8, .6, .4     -> TP 0 1 2 2,   FP 0 1 2 4
 * Unknown: 3 people, no positives (true positive rate and, at point 0, precision undefined)
 * Objective: accuracy = 13/19 + (sum TP - sum FP) / 19. Constraint: equal opportunity (TPR).
 */
import type { Choice, FrontierPoint, GroupPoints, Mitigation, TradeoffModel } from "../src/tradeoff/model";

export const FEMALE = "Female";
export const MALE = "Male";
export const UNKNOWN = "Unknown";

export function groups(): GroupPoints[] {
  return [
    {
      name: FEMALE,
      size: 10,
      positives: 4,
      negatives: 6,
      thresholds: [null, 0.9, 0.7, 0.5, 0.3],
      tp: [0, 2, 3, 4, 4],
      fp: [0, 0, 1, 3, 6],
    },
    {
      name: MALE,
      size: 6,
      positives: 2,
      negatives: 4,
      thresholds: [null, 0.8, 0.6, 0.4],
      tp: [0, 1, 2, 2],
      fp: [0, 1, 2, 4],
    },
    { name: UNKNOWN, size: 3, positives: 0, negatives: 3, thresholds: [null, 0.5], tp: [0, 0], fp: [0, 3] },
  ];
}

export const ACCURACY = { tp: 1 / 19, fp: 1 / 19, constant: 13 / 19 };

function deterministic(...indices: number[]): Choice[] {
  return indices.map((index) => [[index, 1]]);
}

/** Point ids equal their position; disparity and objective worked out by hand. */
export function points(): FrontierPoint[] {
  return [
    // TPR .5 / 0; TP 2, FP 0
    {
      point: 0,
      kind: "unconstrained",
      epsilon: null,
      disparity: 0.5,
      objective: 15 / 19,
      choice: deterministic(1, 0, 0),
    },
    // TPR 1 / 1; TP 6, FP 8
    {
      point: 1,
      kind: "single threshold",
      epsilon: null,
      disparity: 0,
      objective: 11 / 19,
      choice: deterministic(3, 2, 1),
    },
    // TPR 1 / 1; TP 6, FP 5
    { point: 2, kind: "thresholds", epsilon: 0, disparity: 0, objective: 14 / 19, choice: deterministic(3, 2, 0) },
    // TPR .75 / .5; TP 4, FP 2
    {
      point: 3,
      kind: "thresholds",
      epsilon: 0.25,
      disparity: 0.25,
      objective: 15 / 19,
      choice: deterministic(2, 1, 0),
    },
    // TPR .875 / .75; TP 3.5 + 1.5, FP 2 + 1.5
    {
      point: 4,
      kind: "randomised thresholds",
      epsilon: 0.125,
      disparity: 0.125,
      objective: 14.5 / 19,
      choice: [
        [
          [2, 0.5],
          [3, 0.5],
        ],
        [
          [1, 0.5],
          [2, 0.5],
        ],
        [[0, 1]],
      ],
    },
  ];
}

export function mitigations(): Mitigation[] {
  return [
    {
      label: "EG ε=0.01",
      method: "fairlearn ExponentiatedGradient",
      params: "eps=0.01",
      disparity: 0.05,
      objective: 0.7,
      curve: "ExponentiatedGradient",
    },
    {
      label: "EG ε=0.1",
      method: "fairlearn ExponentiatedGradient",
      params: "eps=0.1",
      disparity: 0.2,
      objective: 0.76,
      curve: "ExponentiatedGradient",
    },
    { label: "Reweighing", method: "aif360 Reweighing", params: "", disparity: 0.3, objective: 0.74, curve: null },
  ];
}

/** A fresh copy of the whole synced state, with optional overrides; selection: point 3. */
export function tradeoffState(overrides: Partial<TradeoffModel> = {}): TradeoffModel {
  return {
    attribute: "sex",
    constraint: "equal_opportunity",
    objective: "accuracy",
    constraint_options: ["demographic_parity", "equal_opportunity", "equalized_odds", "predictive_parity"],
    objective_options: ["accuracy", "balanced_accuracy", "cost"],
    groups: groups(),
    weights: { ...ACCURACY },
    rate_names: ["true_positive_rate"],
    points: points(),
    mitigations: mitigations(),
    selection: deterministic(2, 1, 0),
    selected_point: 3,
    ...overrides,
  };
}

/** A seeded generator (mulberry32): the same large state on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `groupCount` groups of `pointCount` operating points each, with a frontier of 40 points. */
export function largeState(groupCount = 50, pointCount = 500): TradeoffModel {
  const next = random(42);
  const many: GroupPoints[] = [];
  for (let g = 0; g < groupCount; g += 1) {
    const thresholds: Array<number | null> = [null];
    const tp = [0];
    const fp = [0];
    for (let k = 1; k < pointCount; k += 1) {
      thresholds.push(1 - k / pointCount);
      const positive = next() < 1 - k / pointCount ? 1 + Math.floor(next() * 5) : 0;
      tp.push((tp[k - 1] ?? 0) + positive);
      fp.push((fp[k - 1] ?? 0) + (positive > 0 ? Math.floor(next() * 2) : 1 + Math.floor(next() * 5)));
    }
    const positives = tp[pointCount - 1] ?? 0;
    const negatives = fp[pointCount - 1] ?? 0;
    many.push({ name: `group ${g}`, size: positives + negatives, positives, negatives, thresholds, tp, fp });
  }
  const n = many.reduce((sum, group) => sum + group.size, 0);
  const negatives = many.reduce((sum, group) => sum + group.negatives, 0);
  const frontier: FrontierPoint[] = Array.from({ length: 40 }, (_, index) => ({
    point: index,
    kind: index % 2 === 0 ? "thresholds" : "randomised thresholds",
    epsilon: index / 100,
    disparity: index / 100,
    objective: 0.7 + index / 400,
    choice: many.map((): Choice => [[Math.floor(pointCount / 2), 1]]),
  }));
  return tradeoffState({
    groups: many,
    weights: { tp: 1 / n, fp: 1 / n, constant: negatives / n },
    points: frontier,
    selection: many.map((): Choice => [[Math.floor(pointCount / 2), 1]]),
    selected_point: 0,
  });
}
