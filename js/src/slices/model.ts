/** The SliceExplorer's synced state: every trait the front end reads or writes, typed once. */

export interface MetricOption {
  key: string;
  label: string;
  /** Optional: whether values are shares shown as percentages. Absent: every metric but `count` is. */
  is_rate?: boolean;
}

export interface Predicate {
  feature: string;
  value: string;
}

/** One slice (a conjunction of predicates) against everyone else, for the current metric. */
export interface SliceRow {
  id: string;
  /** "sex = Female ∧ age ∈ [45, 60)". */
  text: string;
  predicates: Predicate[];
  /** Number of predicates (features fixed). */
  order: number;
  size: number;
  value: number | null;
  rest_value: number | null;
  /** How much worse the slice is than the rest (positive: worse), with its interval. */
  effect: number | null;
  ci_low: number | null;
  ci_high: number | null;
  p_value: number | null;
  /** False-discovery-rate adjusted p-value. */
  q_value: number | null;
  significant: boolean;
}

/** Filters applied in the browser; written back so Python can read them. */
export interface Filters {
  /** Only slices of this order; null for every order. */
  order: number | null;
  min_size: number;
  significant_only: boolean;
  search: string;
}

/** The metric over a two-feature cross: values[row][col], sizes[row][col]. */
export interface Heatmap {
  row_feature: string;
  col_feature: string;
  rows: string[];
  cols: string[];
  values: Array<Array<number | null>>;
  sizes: number[][];
  /** The value the diverging colour scale is centred on (everyone, or the rest). */
  rest_value: number | null;
  /** Why there is no grid for these two features (e.g. their cross was pruned), instead of one. */
  message?: string;
}

/** One metric of the selected slice against the rest. */
export interface DrilldownRow {
  metric: string;
  label: string;
  slice: number | null;
  rest: number | null;
  difference: number | null;
  ci_low: number | null;
  ci_high: number | null;
  slice_n: number;
  rest_n: number;
  /** Optional, as in MetricOption. */
  is_rate?: boolean;
}

export interface Drilldown {
  /** The slice this answers for: "" before any answer. */
  id: string;
  text: string;
  rows: DrilldownRow[];
}

export const STATUSES = ["open", "accepted risk", "mitigated"] as const;
export type Status = (typeof STATUSES)[number];

export interface Annotation {
  status: Status;
  note: string;
}

export interface SlicesModel {
  /** Written by the browser: the metric slices are ranked by (Python recomputes `slices`). */
  metric: string;
  metric_options: MetricOption[];
  /** The false discovery rate the q-values are compared with. */
  fdr: number;
  /** The deepest order searched. */
  max_order: number;
  /** Ranked, worst first. */
  slices: SliceRow[];
  /** Written by the browser. */
  filters: Filters;
  heatmap_features: string[];
  /** `{}` while there is no cross to show. */
  heatmap: Partial<Heatmap>;
  /** Written by the browser: the heat map's row and column features (Python sends `heatmap`). */
  heat_rows: string;
  heat_cols: string;
  /** Written by the browser: the slice id drilled into, "" for none (Python sends `drilldown`). */
  selected: string;
  /** `{}` while no slice is selected. */
  drilldown: Partial<Drilldown>;
  /** Written by the browser: review status and note per slice id. */
  annotations: Record<string, Annotation>;
}
