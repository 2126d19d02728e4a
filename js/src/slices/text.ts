/** How the SliceExplorer writes its numbers, names and tooltips. */
import { formatDifference, formatDifferenceInterval, formatProbability, formatValue } from "../shared/format";
import type { MetricOption, SliceRow, Status } from "./model";

/** Slices (and heat-map cells) of fewer people than this are flagged "(n=…)": uncertain estimates. */
export const SMALL_SLICE = 30;

/** Whether a metric's values are shares (percentages); only counts are not, unless Python says so. */
export function isRate(metric: string, option?: { is_rate?: boolean }): boolean {
  return option?.is_rate ?? metric !== "count";
}

/** The option of the current metric, falling back to the first (or a bare one). */
export function currentMetric(options: readonly MetricOption[], metric: string): MetricOption {
  return options.find((option) => option.key === metric) ?? options[0] ?? { key: metric, label: metric };
}

/** "1 feature", "2 features". */
export function orderLabel(order: number): string {
  return order === 1 ? "1 feature" : `${order} features`;
}

/** The small-slice flag, as the Dashboard writes it: "(n=12)", or "" for a slice large enough. */
export function fewLabel(size: number): string {
  return size < SMALL_SLICE ? `(n=${formatValue(size, false)})` : "";
}

/** "q = 0.003", "q < 0.0001". */
export function probabilityClause(name: string, value: number | null): string {
  const text = formatProbability(value);
  return text.startsWith("<") ? `${name} ${text}` : `${name} = ${text}`;
}

export function significanceLabel(slice: SliceRow): string {
  return slice.significant ? "significant" : "not significant";
}

/** A slice's tooltip: every number with its meaning, so that colour and bars are never needed. */
export function describeSlice(slice: SliceRow, metric: MetricOption, fdr: number): string {
  const rate = isRate(metric.key, metric);
  const interval = formatDifferenceInterval(slice.ci_low, slice.ci_high, rate);
  const lines = [
    slice.text,
    `${metric.label}: ${formatValue(slice.value, rate)} in the slice, ${formatValue(slice.rest_value, rate)} in the rest`,
    `Effect (how much worse): ${formatDifference(slice.effect, rate)}${interval ? ` ${interval} (95% CI)` : ""}`,
    `${probabilityClause("p", slice.p_value)}, ${probabilityClause("q", slice.q_value)}: ${significanceLabel(slice)} at FDR ${fdr}`,
    `${formatValue(slice.size, false)} people; ${orderLabel(slice.order)}`,
  ];
  if (slice.size < SMALL_SLICE) {
    lines.push(`Fewer than ${SMALL_SLICE} people: read with care.`);
  }
  return lines.join("\n");
}

/** A class name for each status ("accepted risk" has a space). */
export const STATUS_CLASSES: Record<Status, string> = {
  open: "fw-status-open",
  "accepted risk": "fw-status-accepted",
  mitigated: "fw-status-mitigated",
};
