/**
 * Pure computations of the TradeoffExplorer: expected confusion counts of a (possibly
 * randomised) choice of thresholds, the group's rates, the objective and the disparity.
 * No DOM: the view and the tests call these with plain data.
 */
import type { Choice, GroupPoints, Weights } from "./model";

/** Expected confusion counts of one group (fractional when the choice is randomised). */
export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export const RATE_NAMES = [
  "selection_rate",
  "true_positive_rate",
  "false_positive_rate",
  "precision",
  "accuracy",
] as const;
export type RateName = (typeof RATE_NAMES)[number];
/** A rate is `null` when its denominator is 0 (e.g. a true positive rate in a group with no positives). */
export type Rates = Record<RateName, number | null>;

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Expected counts when point choice[i][0] is applied with probability choice[i][1]. */
export function expectedCounts(group: GroupPoints, choice: Readonly<Choice>): Counts {
  let tp = 0;
  let fp = 0;
  for (const [index, probability] of choice) {
    tp += probability * (group.tp[index] ?? Number.NaN);
    fp += probability * (group.fp[index] ?? Number.NaN);
  }
  return { tp, fp, fn: group.positives - tp, tn: group.negatives - fp };
}

/**
 * The group's rates from its expected counts. For a randomised choice this is the rate of
 * the randomised classifier (e.g. precision = E[TP] / E[TP + FP]); for selection, true and
 * false positive rate it equals the mixture of the points' rates.
 */
export function rates(group: GroupPoints, counts: Counts): Rates {
  const predicted = counts.tp + counts.fp;
  return {
    selection_rate: ratio(predicted, group.size),
    true_positive_rate: ratio(counts.tp, group.positives),
    false_positive_rate: ratio(counts.fp, group.negatives),
    precision: ratio(counts.tp, predicted),
    accuracy: ratio(counts.tp + counts.tn, group.size),
  };
}

/** constant + tp * sum(TP) - fp * sum(FP), summed over groups in order (as Python does). */
export function objective(weights: Weights, counts: readonly Counts[]): number {
  let tp = 0;
  let fp = 0;
  for (const one of counts) {
    tp += one.tp;
    fp += one.fp;
  }
  return weights.constant + weights.tp * tp - weights.fp * fp;
}

function isRateName(name: string): name is RateName {
  return (RATE_NAMES as readonly string[]).includes(name);
}

/**
 * The largest gap between groups over `rateNames`: for each rate, max - min over the groups
 * where it is defined. `null` when no named rate is defined in any group. Unknown names are
 * ignored.
 */
export function disparity(rateNames: readonly string[], perGroup: readonly Rates[]): number | null {
  let widest: number | null = null;
  for (const name of rateNames) {
    if (!isRateName(name)) {
      continue;
    }
    let low = Number.POSITIVE_INFINITY;
    let high = Number.NEGATIVE_INFINITY;
    for (const groupRates of perGroup) {
      const value = groupRates[name];
      if (value !== null) {
        low = Math.min(low, value);
        high = Math.max(high, value);
      }
    }
    if (high >= low) {
      widest = Math.max(widest ?? 0, high - low);
    }
  }
  return widest;
}

/** The point index applied with the highest probability (the first one on ties). */
export function mainIndex(choice: Readonly<Choice>): number {
  let best = choice[0];
  for (const pair of choice) {
    if (best === undefined || pair[1] > best[1]) {
      best = pair;
    }
  }
  return best?.[0] ?? 0;
}

/**
 * A choice that is safe to compute with: indices rounded and clamped to the group's points,
 * pairs with a non-finite or negative probability dropped, and "no one predicted positive"
 * (point 0) when nothing usable is left.
 */
export function validChoice(group: GroupPoints, choice: Readonly<Choice> | undefined): Choice {
  const last = Math.max(0, group.tp.length - 1);
  const valid: Choice = [];
  for (const pair of choice ?? []) {
    const [index, probability] = pair;
    if (Number.isFinite(index) && Number.isFinite(probability) && probability >= 0) {
      valid.push([Math.min(last, Math.max(0, Math.round(index))), probability]);
    }
  }
  return valid.length > 0 ? valid : [[0, 1]];
}
