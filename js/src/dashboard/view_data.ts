/** Pure functions from the Dashboard's state to what the chart and table draw. */
import type { Bar } from "../shared/bar_chart";
import { formatInterval, formatValue } from "../shared/format";
import type { TableColumn, TableRow } from "../shared/group_table";
import type { DashboardModel, GroupRow, MetricOption } from "./model";

type State = Pick<
  DashboardModel,
  "metric" | "attribute" | "selected_group" | "metric_options" | "tables" | "overall" | "min_group_size"
>;

export function currentMetric(state: State): MetricOption {
  const found = state.metric_options.find((option) => option.key === state.metric) ?? state.metric_options[0];
  if (found === undefined) {
    throw new Error("The Dashboard received no metrics to show.");
  }
  return found;
}

export function currentRows(state: State): GroupRow[] {
  return state.tables[state.attribute] ?? [];
}

/** True when the metric is measured on fewer than `minSize` people in this group. */
export function measuredOnFew(row: GroupRow, metric: MetricOption, minSize: number): boolean {
  return (row.n[metric.key] ?? 0) < minSize;
}

function describe(row: GroupRow, metric: MetricOption, minSize: number): string {
  const value = formatValue(row.value[metric.key], metric.is_rate);
  const interval = formatInterval(row.ci_low[metric.key], row.ci_high[metric.key]);
  const people = `n = ${formatValue(row.n[metric.key] ?? 0, false)} of ${formatValue(row.size, false)} in the group`;
  const warning = measuredOnFew(row, metric, minSize)
    ? `\nMeasured on fewer than ${minSize} people: read with care.`
    : "";
  return `${row.group}\n${metric.label}: ${value}${interval ? ` ${interval} (95% CI)` : ""}\n${people}${warning}`;
}

export function bars(state: State): Bar[] {
  const metric = currentMetric(state);
  return currentRows(state).map((row) => {
    const few = measuredOnFew(row, metric, state.min_group_size);
    return {
      key: row.group,
      label: few ? `${row.group} (n=${row.n[metric.key] ?? 0})` : row.group,
      value: row.value[metric.key] ?? null,
      low: metric.is_rate ? (row.ci_low[metric.key] ?? null) : null,
      high: metric.is_rate ? (row.ci_high[metric.key] ?? null) : null,
      small: few,
      selected: row.group === state.selected_group,
      title: describe(row, metric, state.min_group_size),
    };
  });
}

export function tableColumns(state: State): TableColumn[] {
  return state.metric_options.map((option) => ({ key: option.key, label: option.label, title: option.description }));
}

export function tableRows(state: State): TableRow[] {
  return currentRows(state).map((row) => ({
    key: row.group,
    label: row.group,
    selected: row.group === state.selected_group,
    small: row.small,
    cells: Object.fromEntries(
      state.metric_options.map((option) => [
        option.key,
        {
          text: formatValue(row.value[option.key], option.is_rate),
          title: describe(row, option, state.min_group_size),
          few: measuredOnFew(row, option, state.min_group_size),
        },
      ]),
    ),
  }));
}
