/**
 * The selected slice against the rest on every metric (`.fw-drilldown[data-slice]`, rows
 * `tr[data-metric]`), from the `drilldown` Python sends when `selected` changes.
 */
import { dataValue, formatDifference, formatDifferenceInterval, formatValue } from "../shared/format";
import type { Drilldown, DrilldownRow, MetricOption } from "./model";
import { isRate, SMALL_SLICE } from "./text";

export interface DrilldownPanel {
  root: HTMLElement;
  heading: HTMLElement;
  sliceText: HTMLElement;
  status: HTMLElement;
  table: HTMLTableElement;
  close: HTMLButtonElement;
}

let panelCount = 0;

const COLUMNS = [
  ["Metric", "The metric, measured in the slice and in everyone else"],
  ["Slice", "Value in the slice"],
  ["Rest", "Value in everyone else"],
  ["Difference", "Slice minus rest (percentage points for rates)"],
  ["95% CI", "Interval of the difference"],
  ["n slice", "People the metric is measured on in the slice"],
  ["n rest", "People the metric is measured on in the rest"],
] as const;

/** The empty panel; `annotation` (the review controls) goes under the table. */
export function buildDrilldownPanel(annotation: HTMLElement): DrilldownPanel {
  const root = document.createElement("section");
  root.className = "fw-drilldown";
  root.hidden = true;
  const header = document.createElement("div");
  header.className = "fw-drilldown-header";
  const heading = document.createElement("h4");
  heading.className = "fw-drilldown-title";
  heading.id = `fw-drilldown-title-${++panelCount}`;
  heading.textContent = "Slice vs rest";
  root.setAttribute("aria-labelledby", heading.id);
  const close = document.createElement("button");
  close.type = "button";
  close.className = "fw-drilldown-close";
  close.textContent = "Close";
  close.setAttribute("aria-label", "Close the drill-down");
  header.append(heading, close);
  const sliceText = document.createElement("p");
  sliceText.className = "fw-drilldown-slice";
  const status = document.createElement("p");
  status.className = "fw-drilldown-status";
  status.setAttribute("role", "status");
  const table = document.createElement("table");
  table.className = "fw-drilldown-table";
  const headRow = table.createTHead().insertRow();
  for (const [text, title] of COLUMNS) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = text;
    cell.title = title;
    headRow.append(cell);
  }
  table.createTBody();
  const wrap = document.createElement("div");
  wrap.className = "fw-table-wrap";
  wrap.append(table);
  root.append(header, sliceText, status, wrap, annotation);
  return { root, heading, sliceText, status, table, close };
}

function cell(column: string, text: string, value: number | null): HTMLTableCellElement {
  const node = document.createElement("td");
  node.dataset["column"] = column;
  node.dataset["value"] = dataValue(value);
  node.textContent = text;
  return node;
}

function countCell(column: string, n: number): HTMLTableCellElement {
  const node = cell(column, formatValue(n, false), n);
  if (n < SMALL_SLICE) {
    node.classList.add("fw-few");
    node.title = `Measured on fewer than ${SMALL_SLICE} people: read with care.`;
  }
  return node;
}

function drilldownRow(row: DrilldownRow, activeMetric: string): HTMLTableRowElement {
  const rate = isRate(row.metric, row);
  const tableRow = document.createElement("tr");
  tableRow.dataset["metric"] = row.metric;
  if (row.metric === activeMetric) {
    tableRow.className = "fw-active";
  }
  const name = document.createElement("th");
  name.scope = "row";
  name.textContent = row.label;
  const interval = formatDifferenceInterval(row.ci_low, row.ci_high, rate);
  // One cell for the interval: data-value "low,high" ("" when undefined), and each end apart.
  const both =
    row.ci_low === null || row.ci_high === null ? null : `${dataValue(row.ci_low)},${dataValue(row.ci_high)}`;
  const ci = cell("ci", interval, null);
  ci.dataset["value"] = both ?? "";
  ci.dataset["low"] = dataValue(row.ci_low);
  ci.dataset["high"] = dataValue(row.ci_high);
  tableRow.append(
    name,
    cell("slice", formatValue(row.slice, rate), row.slice),
    cell("rest", formatValue(row.rest, rate), row.rest),
    cell("difference", formatDifference(row.difference, rate), row.difference),
    ci,
    countCell("slice_n", row.slice_n),
    countCell("rest_n", row.rest_n),
  );
  return tableRow;
}

/**
 * Show `selected` ("" hides the panel). Its rows appear once `drilldown` answers for it; until
 * then the panel says it is waiting, and never shows another slice's numbers under this id.
 */
export function drawDrilldown(
  panel: DrilldownPanel,
  selected: string,
  drilldown: Partial<Drilldown>,
  sliceText: string | undefined,
  metric: MetricOption,
): void {
  panel.root.hidden = selected === "";
  panel.root.dataset["slice"] = selected;
  const ready = selected !== "" && drilldown.id === selected;
  panel.root.setAttribute("aria-busy", String(selected !== "" && !ready));
  panel.sliceText.textContent = sliceText ?? (ready ? (drilldown.text ?? selected) : selected);
  panel.status.textContent =
    selected === ""
      ? ""
      : ready
        ? `Every metric in the slice and in the rest (${metric.label} highlighted).`
        : "Loading…";
  const body = panel.table.tBodies[0] ?? panel.table.createTBody();
  body.replaceChildren(...(ready ? (drilldown.rows ?? []).map((row) => drilldownRow(row, metric.key)) : []));
  panel.table.hidden = !ready;
}
