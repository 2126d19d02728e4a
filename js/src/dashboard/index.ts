/** Dashboard: per-group metrics of a binary classifier as a bar chart and a table. */
import type { AnyModel, RenderProps } from "@anywidget/types";
import { chartHeight, drawBarChart } from "../shared/bar_chart";
import { labelledSelect, setChoices } from "../shared/controls";
import { formatValue } from "../shared/format";
import { drawGroupTable } from "../shared/group_table";
import { Listeners } from "../shared/listeners";
import type { DashboardModel } from "./model";
import { bars, currentMetric, tableColumns, tableRows } from "./view_data";
import "./dashboard.css";

const SVG_NS = "http://www.w3.org/2000/svg";

function state(model: AnyModel<DashboardModel>): DashboardModel {
  return {
    metric: model.get("metric"),
    attribute: model.get("attribute"),
    selected_group: model.get("selected_group"),
    metric_options: model.get("metric_options"),
    tables: model.get("tables"),
    overall: model.get("overall"),
    min_group_size: model.get("min_group_size"),
  };
}

/** The group key of the chart bar or table row an event came from, if any. */
function groupKeyOf(event: Event): string | null {
  const target = event.target;
  if (!(target instanceof Element)) {
    return null;
  }
  return target.closest<HTMLElement | SVGElement>("[data-key]")?.dataset["key"] ?? null;
}

function render({ model, el }: RenderProps<DashboardModel>): () => void {
  const listeners = new Listeners();
  const root = document.createElement("div");
  root.className = "fw-dashboard";

  const controls = document.createElement("div");
  controls.className = "fw-controls";
  const metricControl = labelledSelect("Metric", "fw-metric-select");
  const attributeControl = labelledSelect("Groups", "fw-attribute-select");
  controls.append(metricControl.root, attributeControl.root);

  const title = document.createElement("h3");
  title.className = "fw-title";
  const description = document.createElement("p");
  description.className = "fw-description";
  const chart = document.createElementNS(SVG_NS, "svg");
  chart.classList.add("fw-chart");
  const note = document.createElement("p");
  note.className = "fw-note";
  const table = document.createElement("table");
  table.className = "fw-table";
  const tableWrap = document.createElement("div");
  tableWrap.className = "fw-table-wrap";
  tableWrap.append(table);
  root.append(controls, title, description, chart, note, tableWrap);
  el.append(root);

  const redraw = (): void => {
    const current = state(model);
    const metric = currentMetric(current);
    setChoices(
      metricControl.select,
      current.metric_options.map((option) => ({ value: option.key, label: option.label, title: option.description })),
      metric.key,
    );
    setChoices(
      attributeControl.select,
      Object.keys(current.tables).map((name) => ({ value: name, label: name })),
      current.attribute,
    );
    title.textContent = `${metric.label} by ${current.attribute}`;
    description.textContent = metric.description;
    const shown = bars(current);
    chart.setAttribute("height", String(chartHeight(shown.length)));
    drawBarChart(chart, shown, {
      domain: metric.is_rate ? [0, 1] : null,
      // The overall count is not comparable to a group's count: no reference line for it.
      reference: metric.is_rate ? (current.overall[metric.key] ?? null) : null,
      tickFormat: (value) => formatValue(value, metric.is_rate),
      axisLabel: metric.is_rate ? `${metric.label} (bars: 95% interval; dashed line: everyone)` : metric.label,
    });
    const few = shown.filter((bar) => bar.small).length;
    note.textContent =
      few > 0
        ? `${few} group(s) have this metric measured on fewer than ${current.min_group_size} people: hatched, labelled with n, read with care. Click a bar or row to select a group.`
        : "Click a bar or row to select a group.";
    // Redrawing replaces the rows: give keyboard focus back to the row that had it.
    const focusedKey = table.contains(document.activeElement)
      ? ((document.activeElement as HTMLElement | null)?.dataset["key"] ?? null)
      : null;
    drawGroupTable(table, tableColumns(current), tableRows(current), metric.key);
    if (focusedKey !== null) {
      table.querySelector<HTMLElement>(`tr[data-key="${CSS.escape(focusedKey)}"]`)?.focus();
    }
  };

  const choose = (key: "metric" | "attribute", value: string): void => {
    model.set(key, value);
    if (key === "attribute") {
      model.set("selected_group", "");
    }
    model.save_changes();
  };
  const toggleGroup = (event: Event): void => {
    const key = groupKeyOf(event);
    if (key !== null) {
      model.set("selected_group", model.get("selected_group") === key ? "" : key);
      model.save_changes();
    }
  };

  listeners.dom(metricControl.select, "change", () => choose("metric", metricControl.select.value));
  listeners.dom(attributeControl.select, "change", () => choose("attribute", attributeControl.select.value));
  listeners.dom(root, "click", toggleGroup);
  listeners.dom(root, "keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      if (groupKeyOf(event) !== null) {
        event.preventDefault(); // Space would scroll the page
      }
      toggleGroup(event);
    }
  });
  for (const trait of [
    "metric",
    "attribute",
    "selected_group",
    "metric_options",
    "tables",
    "overall",
    "min_group_size",
  ]) {
    listeners.model(model, `change:${trait}`, redraw);
  }
  redraw();

  return () => {
    listeners.dispose();
    root.remove();
  };
}

export default { render };
