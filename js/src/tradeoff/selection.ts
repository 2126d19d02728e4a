/**
 * The current selection with each group's expected counts and rates cached, so that moving
 * one group's slider recomputes one group, not all of them. No DOM.
 */
import { disparity, expectedCounts, objective, rates, validChoice, type Counts, type Rates } from "./counts";
import type { Choice, GroupPoints, Weights } from "./model";

export interface Summary {
  objective: number;
  disparity: number | null;
}

export class Selection {
  private groups: readonly GroupPoints[] = [];
  private choices: Choice[] = [];
  private counts: Counts[] = [];
  private groupRates: Rates[] = [];

  constructor(
    groups: readonly GroupPoints[],
    selection: readonly Readonly<Choice>[],
    private weights: Weights,
    private rateNames: readonly string[],
  ) {
    this.reset(groups, selection);
  }

  /** Start again from `selection` (one choice per group; missing or invalid ones are repaired). */
  reset(groups: readonly GroupPoints[], selection: readonly Readonly<Choice>[]): void {
    this.groups = groups;
    this.choices = [];
    this.counts = [];
    this.groupRates = [];
    groups.forEach((group, index) => this.compute(index, validChoice(group, selection[index])));
  }

  /** Replace one group's choice; only that group is recomputed. */
  setChoice(index: number, choice: Readonly<Choice>): void {
    const group = this.groups[index];
    if (group !== undefined) {
      this.compute(index, validChoice(group, choice));
    }
  }

  setWeights(weights: Weights): void {
    this.weights = weights;
  }

  setRateNames(rateNames: readonly string[]): void {
    this.rateNames = rateNames;
  }

  get size(): number {
    return this.groups.length;
  }

  group(index: number): GroupPoints | undefined {
    return this.groups[index];
  }

  choiceOf(index: number): Readonly<Choice> {
    return this.choices[index] ?? [[0, 1]];
  }

  countsOf(index: number): Counts | undefined {
    return this.counts[index];
  }

  ratesOf(index: number): Rates | undefined {
    return this.groupRates[index];
  }

  /** Objective and disparity of the whole selection: O(groups x rates), cheap. */
  summary(): Summary {
    return { objective: objective(this.weights, this.counts), disparity: disparity(this.rateNames, this.groupRates) };
  }

  /** A fresh copy of every group's choice, shaped like the `selection` trait. */
  toJSON(): Choice[] {
    return this.choices.map((choice) => choice.map(([index, probability]): [number, number] => [index, probability]));
  }

  private compute(index: number, choice: Choice): void {
    const group = this.groups[index];
    if (group === undefined) {
      return;
    }
    const counts = expectedCounts(group, choice);
    this.choices[index] = choice;
    this.counts[index] = counts;
    this.groupRates[index] = rates(group, counts);
  }
}
