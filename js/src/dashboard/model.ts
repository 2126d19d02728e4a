/** The Dashboard's synced state: every trait the front end reads or writes, typed once. */

export interface MetricOption {
  key: string;
  label: string;
  description: string;
  is_rate: boolean;
}

/** One group of one sensitive attribute; per-metric maps are keyed by metric key. */
export interface GroupRow {
  group: string;
  size: number;
  /** The group has fewer than min_group_size people. */
  small: boolean;
  value: Record<string, number | null>;
  ci_low: Record<string, number | null>;
  ci_high: Record<string, number | null>;
  /** People each metric is measured on (e.g. actual positives for the TPR). */
  n: Record<string, number>;
}

export interface DashboardModel {
  /** Written by the browser: the metric shown. */
  metric: string;
  /** Written by the browser: the sensitive attribute (or intersection) shown. */
  attribute: string;
  /** Written by the browser: the highlighted group, "" for none. */
  selected_group: string;
  metric_options: MetricOption[];
  /** Attribute name -> its groups, in display order. */
  tables: Record<string, GroupRow[]>;
  /** Metric key -> value over all rows. */
  overall: Record<string, number | null>;
  min_group_size: number;
}
