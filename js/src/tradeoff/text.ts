/** How the TradeoffExplorer writes its numbers and names. */
import { format } from "d3-format";
import { formatValue } from "../shared/format";
import type { Choice, GroupPoints, PointKind } from "./model";

const OBJECTIVE_LABELS: Record<string, string> = {
  accuracy: "Accuracy",
  balanced_accuracy: "Balanced accuracy",
  cost: "Value (minus the mean cost per person)",
};
/** Objectives that are shares of people, shown as percentages. */
const SHARE_OBJECTIVES = new Set(["accuracy", "balanced_accuracy"]);

const percent = format(".2%");
const general = format(",.4~g");
const gap = format(".3f");
const threshold = format(".6~g");
const fractionalCount = format(",.1f");

/** "equal_opportunity" -> "equal opportunity". */
export function humanise(name: string): string {
  return name.replaceAll("_", " ");
}

/** The objective's name on the axis and in the summary. */
export function objectiveLabel(objective: string): string {
  return OBJECTIVE_LABELS[objective] ?? humanise(objective);
}

/** The objective's option in the select: short, with the axis label as its tooltip. */
export function objectiveChoice(objective: string): { value: string; label: string; title: string } {
  const label = OBJECTIVE_LABELS[objective] ?? humanise(objective);
  return { value: objective, label: objective === "cost" ? "Cost" : label, title: label };
}

export function disparityLabel(constraint: string): string {
  return `disparity (${humanise(constraint)})`;
}

export function formatObjective(objective: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) {
    return "—";
  }
  return SHARE_OBJECTIVES.has(objective) ? percent(value) : general(value);
}

/** Disparity is a difference of rates: shown as a number of three decimals. */
export function formatDisparity(value: number | null): string {
  return value === null || !Number.isFinite(value) ? "—" : gap(value);
}

/** An expected count: whole when it is, one decimal when the choice is randomised. */
export function formatCount(value: number): string {
  return Number.isInteger(value) ? formatValue(value, false) : fractionalCount(value);
}

/** A threshold: "none" at point 0 (+infinity: no one predicted positive). */
export function formatThreshold(value: number | null | undefined): string {
  return value === null || value === undefined ? "none" : threshold(value);
}

/**
 * A mixing probability: two decimals, or as many more (up to four) as it takes not to
 * read 0 or 1; beyond that "<0.0001" / ">0.9999". A randomised choice whose weight shows
 * as 0.00 or 1.00 would hide that some people get the other threshold.
 */
export function formatProbability(weight: number): string {
  for (const digits of [2, 3, 4]) {
    const shown = weight.toFixed(digits);
    if (Number(shown) > 0 && Number(shown) < 1) {
      return shown;
    }
  }
  if (weight <= 0 || weight >= 1) {
    return weight.toFixed(2);
  }
  return weight < 0.5 ? "<0.0001" : ">0.9999";
}

/** "mix: 0.62 × 0.4312 + 0.38 × 0.441" for a randomised choice, "" otherwise (no-break spaces but around "+"). */
export function formatMix(group: GroupPoints, choice: Readonly<Choice>): string {
  if (choice.length < 2) {
    return "";
  }
  // No-break spaces inside a term: a long mix wraps between terms only.
  const terms = choice.map(
    ([index, weight]) => `${formatProbability(weight)}\u00a0×\u00a0${formatThreshold(group.thresholds[index] ?? null)}`,
  );
  return `mix:\u00a0${terms.join(" + ")}`;
}

/** The `data-value` of a number: full precision (round-trips), "" when undefined. */
export function dataValue(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "" : String(value);
}

export const KIND_LABELS: Record<PointKind, string> = {
  thresholds: "Per-group thresholds",
  "randomised thresholds": "Randomised per-group thresholds",
  "single threshold": "One threshold for everyone",
  unconstrained: "Unconstrained (each group's best)",
};

/** A class name for each kind of point ("randomised thresholds" has a space). */
export const KIND_CLASSES: Record<PointKind, string> = {
  thresholds: "fw-kind-thresholds",
  "randomised thresholds": "fw-kind-randomised",
  "single threshold": "fw-kind-single",
  unconstrained: "fw-kind-unconstrained",
};
