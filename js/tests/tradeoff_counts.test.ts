import { afterEach, describe, expect, it, vi } from "vitest";
import { throttle } from "../src/shared/throttle";
import {
  disparity,
  expectedCounts,
  mainIndex,
  objective,
  rates,
  validChoice,
  type Rates,
} from "../src/tradeoff/counts";
import type { GroupPoints } from "../src/tradeoff/model";
import { Selection } from "../src/tradeoff/selection";
import { dataValue, formatCount, formatMix, formatProbability, formatThreshold } from "../src/tradeoff/text";
import { ACCURACY, groups, points, tradeoffState } from "./tradeoff_fixtures";

const [female, male, unknown] = groups() as [GroupPoints, GroupPoints, GroupPoints];

function expectRates(actual: Rates, expected: Rates): void {
  for (const [name, value] of Object.entries(expected)) {
    const got = actual[name as keyof Rates];
    if (value === null) {
      expect(got, name).toBeNull();
    } else {
      expect(got, name).toBeCloseTo(value, 12);
    }
  }
}

describe("expectedCounts", () => {
  it("reads a deterministic choice's counts off the curve; FN and TN from the group's totals", () => {
    expect(expectedCounts(female, [[2, 1]])).toEqual({ tp: 3, fp: 1, fn: 1, tn: 5 });
    expect(expectedCounts(male, [[0, 1]])).toEqual({ tp: 0, fp: 0, fn: 2, tn: 4 });
    expect(expectedCounts(unknown, [[1, 1]])).toEqual({ tp: 0, fp: 3, fn: 0, tn: 0 });
  });

  it("weights a randomised choice's counts by their probabilities", () => {
    const counts = expectedCounts(female, [
      [2, 0.6],
      [3, 0.4],
    ]);
    expect(counts.tp).toBeCloseTo(0.6 * 3 + 0.4 * 4, 12);
    expect(counts.fp).toBeCloseTo(0.6 * 1 + 0.4 * 3, 12);
    expect(counts.fn).toBeCloseTo(0.6, 12);
    expect(counts.tn).toBeCloseTo(4.2, 12);
  });
});

describe("rates", () => {
  it("computes the five rates of a deterministic choice", () => {
    expectRates(rates(female, expectedCounts(female, [[2, 1]])), {
      selection_rate: 0.4,
      true_positive_rate: 0.75,
      false_positive_rate: 1 / 6,
      precision: 0.75,
      accuracy: 0.8,
    });
    expectRates(rates(male, expectedCounts(male, [[1, 1]])), {
      selection_rate: 2 / 6,
      true_positive_rate: 0.5,
      false_positive_rate: 0.25,
      precision: 0.5,
      accuracy: 4 / 6,
    });
  });

  it("computes a randomised choice's rates from its expected counts (precision = E[TP] / E[TP + FP])", () => {
    expectRates(
      rates(
        female,
        expectedCounts(female, [
          [2, 0.6],
          [3, 0.4],
        ]),
      ),
      {
        selection_rate: 0.52,
        true_positive_rate: 0.85,
        false_positive_rate: 0.3,
        precision: 3.4 / 5.2,
        accuracy: 0.76,
      },
    );
  });

  it("leaves a rate undefined (null) when its denominator is 0", () => {
    // No actual positives: no true positive rate; no one predicted positive: no precision.
    expectRates(rates(unknown, expectedCounts(unknown, [[0, 1]])), {
      selection_rate: 0,
      true_positive_rate: null,
      false_positive_rate: 0,
      precision: null,
      accuracy: 1,
    });
    expect(rates(female, expectedCounts(female, [[0, 1]])).precision).toBeNull();
    // Predicting everyone in a group with no positives: precision 0, still no TPR.
    const all = rates(unknown, expectedCounts(unknown, [[1, 1]]));
    expect(all.precision).toBe(0);
    expect(all.true_positive_rate).toBeNull();
    // A mix with point 0 predicts someone: its precision is defined.
    expect(
      rates(
        female,
        expectedCounts(female, [
          [0, 0.5],
          [1, 0.5],
        ]),
      ).precision,
    ).toBe(1);
  });
});

describe("objective", () => {
  it("is constant + tp * sum TP - fp * sum FP over groups", () => {
    const counts = [
      expectedCounts(female, [[2, 1]]),
      expectedCounts(male, [[1, 1]]),
      expectedCounts(unknown, [[0, 1]]),
    ];
    // 15 of 19 people classified correctly.
    expect(objective(ACCURACY, counts)).toBeCloseTo(15 / 19, 15);
    expect(objective({ tp: 2, fp: 0.5, constant: -1 }, counts)).toBe(-1 + 2 * 4 - 0.5 * 2);
    expect(objective({ tp: 1, fp: 1, constant: 0.25 }, [])).toBe(0.25);
  });

  it("uses expected counts for a randomised selection", () => {
    const counts = [
      expectedCounts(female, [
        [2, 0.5],
        [3, 0.5],
      ]),
      expectedCounts(male, [
        [1, 0.5],
        [2, 0.5],
      ]),
      expectedCounts(unknown, [[0, 1]]),
    ];
    expect(objective(ACCURACY, counts)).toBeCloseTo(14.5 / 19, 15);
  });
});

describe("disparity", () => {
  const at = (...indices: [number, number, number]): Rates[] =>
    [female, male, unknown].map((group, g) => rates(group, expectedCounts(group, [[indices[g] ?? 0, 1]])));

  it("is max - min of the rate over the groups where it is defined", () => {
    // TPR .75 and .5; Unknown has no positives and is skipped (not counted as 0).
    expect(disparity(["true_positive_rate"], at(2, 1, 0))).toBeCloseTo(0.25, 15);
    // Selection rate is defined everywhere: .4, 1/3 and 0.
    expect(disparity(["selection_rate"], at(2, 1, 0))).toBeCloseTo(0.4, 15);
  });

  it("takes the largest gap over several rates (equalized odds)", () => {
    // TPR 1, 1, undefined -> 0; FPR .5, .5, 1 -> .5.
    expect(disparity(["true_positive_rate"], at(3, 2, 1))).toBe(0);
    expect(disparity(["false_positive_rate"], at(3, 2, 1))).toBeCloseTo(0.5, 15);
    expect(disparity(["true_positive_rate", "false_positive_rate"], at(3, 2, 1))).toBeCloseTo(0.5, 15);
    expect(disparity(["false_positive_rate", "true_positive_rate"], at(2, 1, 0))).toBeCloseTo(0.25, 15);
  });

  it("is 0 with one defined group, null when no group defines any named rate; unknown names are ignored", () => {
    // Precision at point 0 is undefined everywhere but Female's.
    expect(disparity(["precision"], at(2, 0, 0))).toBe(0);
    expect(disparity(["precision"], at(0, 0, 0))).toBeNull();
    expect(disparity(["precision", "selection_rate"], at(0, 0, 0))).toBe(0);
    expect(disparity([], at(2, 1, 0))).toBeNull();
    expect(disparity(["no_such_rate", "true_positive_rate"], at(2, 1, 0))).toBeCloseTo(0.25, 15);
  });
});

describe("mainIndex and validChoice", () => {
  it("picks the most probable point, the first on ties", () => {
    expect(mainIndex([[3, 1]])).toBe(3);
    expect(
      mainIndex([
        [2, 0.38],
        [3, 0.62],
      ]),
    ).toBe(3);
    expect(
      mainIndex([
        [2, 0.5],
        [3, 0.5],
      ]),
    ).toBe(2);
    expect(mainIndex([])).toBe(0);
  });

  it("repairs what it cannot compute with", () => {
    expect(validChoice(female, [[9, 1]])).toEqual([[4, 1]]);
    expect(validChoice(female, [[-2, 1]])).toEqual([[0, 1]]);
    expect(validChoice(female, [[1.6, 1]])).toEqual([[2, 1]]);
    expect(
      validChoice(female, [
        [1, Number.NaN],
        [2, 0.5],
      ]),
    ).toEqual([[2, 0.5]]);
    expect(validChoice(female, [])).toEqual([[0, 1]]);
    expect(validChoice(female, undefined)).toEqual([[0, 1]]);
  });
});

describe("Selection", () => {
  it("matches every frontier point's disparity and objective (as Python computed them)", () => {
    const state = tradeoffState();
    for (const point of points()) {
      const selection = new Selection(state.groups, point.choice, state.weights, state.rate_names);
      const summary = selection.summary();
      expect(summary.objective, `point ${point.point}`).toBeCloseTo(point.objective, 12);
      expect(summary.disparity, `point ${point.point}`).toBeCloseTo(point.disparity, 12);
    }
  });

  it("recomputes only the group whose choice changes", () => {
    const state = tradeoffState();
    const selection = new Selection(state.groups, state.selection, state.weights, state.rate_names);
    const maleCounts = selection.countsOf(1);
    const maleRates = selection.ratesOf(1);

    selection.setChoice(0, [[4, 1]]);

    expect(selection.countsOf(0)).toEqual({ tp: 4, fp: 6, fn: 0, tn: 0 });
    expect(selection.ratesOf(0)?.true_positive_rate).toBe(1);
    expect(selection.countsOf(1)).toBe(maleCounts); // the same cached object
    expect(selection.ratesOf(1)).toBe(maleRates);
    // TP 4 + 1, FP 6 + 1: 13 + 5 - 7 = 11 of 19 right; TPR 1 against .5.
    expect(selection.summary().objective).toBeCloseTo(11 / 19, 15);
    expect(selection.summary().disparity).toBeCloseTo(0.5, 15);
  });

  it("follows new weights and rate names without recomputing counts", () => {
    const state = tradeoffState();
    const selection = new Selection(state.groups, state.selection, state.weights, state.rate_names);
    selection.setRateNames(["selection_rate"]);
    expect(selection.summary().disparity).toBeCloseTo(0.4, 15);
    selection.setWeights({ tp: 1, fp: 2, constant: 0 });
    expect(selection.summary().objective).toBe(4 - 2 * 2);
  });

  it("writes a copy shaped like the selection trait, and repairs missing choices", () => {
    const state = tradeoffState();
    const selection = new Selection(state.groups, [[[3, 1]]], state.weights, state.rate_names);
    const written = selection.toJSON();
    expect(written).toEqual([[[3, 1]], [[0, 1]], [[0, 1]]]);
    written[0]?.push([1, 0]);
    expect(selection.choiceOf(0)).toEqual([[3, 1]]);
    expect(selection.size).toBe(3);
  });
});

describe("TradeoffExplorer text", () => {
  it("writes thresholds, mixes, counts and data values", () => {
    expect(formatThreshold(null)).toBe("none");
    expect(formatThreshold(0.4312)).toBe("0.4312");
    expect(formatThreshold(0.123456789)).toBe("0.123457");
    expect(
      formatMix(female, [
        [2, 0.62],
        [3, 0.38],
      ]),
    ).toBe("mix:\u00a00.62\u00a0×\u00a00.7 + 0.38\u00a0×\u00a00.5");
    expect(
      formatMix(female, [
        [0, 0.25],
        [1, 0.75],
      ]),
    ).toBe("mix:\u00a00.25\u00a0×\u00a0none + 0.75\u00a0×\u00a00.9");
    expect(formatMix(female, [[2, 1]])).toBe("");
    // A weight that two decimals would show as 0.00 or 1.00 gets the digits it needs.
    expect(
      formatMix(female, [
        [2, 0.9968],
        [3, 0.0032],
      ]),
    ).toBe("mix:\u00a00.997\u00a0×\u00a00.7 + 0.003\u00a0×\u00a00.5");
    expect(formatProbability(0.99996)).toBe(">0.9999");
    expect(formatProbability(0.00004)).toBe("<0.0001");
    expect(formatProbability(0.00042)).toBe("0.0004");
    expect(formatProbability(0.5)).toBe("0.50");
    expect(formatProbability(0.004)).toBe("0.004");
    expect(formatProbability(1)).toBe("1.00");
    expect(formatCount(12345)).toBe("12,345");
    expect(formatCount(3.45)).toBe("3.5");
    expect(dataValue(null)).toBe("");
    expect(dataValue(Number.NaN)).toBe("");
    expect(dataValue(1 / 3)).toBe("0.3333333333333333");
    expect(Number(dataValue(15 / 19))).toBe(15 / 19);
  });
});

describe("throttle", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs at once, then at most once per interval, with the last call at the end", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const run = vi.fn();
    const throttled = throttle(run, 250);

    throttled.call();
    expect(run).toHaveBeenCalledTimes(1);
    throttled.call();
    throttled.call();
    expect(run).toHaveBeenCalledTimes(1);
    expect(throttled.pending).toBe(true);
    vi.advanceTimersByTime(249);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    expect(throttled.pending).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(2);
    throttled.call();
    expect(run).toHaveBeenCalledTimes(3);
  });

  it("flushes a waiting run now, and cancels one", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const run = vi.fn();
    const throttled = throttle(run, 250);
    throttled.call();
    throttled.call();
    throttled.flush();
    expect(run).toHaveBeenCalledTimes(2);
    throttled.flush(); // nothing waiting
    expect(run).toHaveBeenCalledTimes(2);
    throttled.call();
    throttled.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(2);
  });
});
