/**
 * SliceExplorer: the slices of the data where the model's metric is worst against the rest,
 * filtered in the browser, with a drill-down of the selected slice, its review, and a heat map
 * of the metric over two features.
 */
import type { RenderProps } from "@anywidget/types";
import { labelledSelect, setChoices } from "../shared/controls";
import { debounce } from "../shared/debounce";
import { formatValue } from "../shared/format";
import { Listeners } from "../shared/listeners";
import { SVG_NS } from "../shared/svg";
import { AnnotationEditor } from "./annotations";
import { buildDrilldownPanel, drawDrilldown } from "./drilldown";
import { buildFilterControls, readFilters, showFilters } from "./filter_controls";
import { filterSlices, normaliseFilters, orderChoices } from "./filters";
import { drawHeatmap, normaliseHeatmap } from "./heatmap";
import type { Filters, MetricOption, SlicesModel } from "./model";
import { drawListHead, effectDomain, emptyRow, PAGE_SIZE, sliceRow, type ListContext } from "./slice_list";
import { currentMetric, isRate } from "./text";
import "./slices.css";

export { PAGE_SIZE } from "./slice_list";
export { NOTE_DELAY_MS } from "./annotations";
/** Typed filters (search, minimum size) are written to the model this long after the last key. */
export const FILTER_DELAY_MS = 300;
/** Performance API names a benchmark reads: the duration of one filter-and-draw of the list. */
export const UPDATE_MARK = "fw-slices-update-start";
export const UPDATE_MEASURE = "fw-slices-update";

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

/** The list row or heat-map cell of a slice an event came from, if any. */
function sliceTargetOf(event: Event): HTMLElement | SVGElement | null {
  const target = event.target;
  return target instanceof Element
    ? target.closest<HTMLElement | SVGElement>("tr[data-slice], rect[data-slice]")
    : null;
}

/** "feature\0value" pairs, sorted: the key of an order-2 slice whatever the order of its predicates. */
function pairKey(a: [string, string], b: [string, string]): string {
  return [a.join("\u0000"), b.join("\u0000")].sort().join("\u0001");
}

function render({ model, el }: RenderProps<SlicesModel>): () => void {
  const listeners = new Listeners();
  const root = element("div", "fw-slices");
  const title = element("h3", "fw-title");
  const summary = element("p", "fw-summary");
  const controls = element("div", "fw-controls");
  const metricControl = labelledSelect("Metric", "fw-metric-select");
  controls.append(metricControl.root);
  const filterControls = buildFilterControls();
  const matchCount = element("p", "fw-match-count");
  matchCount.setAttribute("role", "status");

  const table = element("table", "fw-slice-table");
  const caption = table.createCaption();
  caption.className = "fw-visually-hidden";
  caption.textContent = "Slices, worst first. Press Enter on a row to drill down into it.";
  const body = table.createTBody();
  const tableWrap = element("div", "fw-table-wrap");
  tableWrap.append(table);
  const showMore = element("button", "fw-show-more");
  showMore.type = "button";
  const list = element("div", "fw-list");
  list.append(tableWrap, showMore);

  const editor = new AnnotationEditor(model, listeners);
  const panel = buildDrilldownPanel(editor.root);
  const main = element("div", "fw-main");
  main.append(list, panel.root);

  const heatSection = element("section", "fw-heatmap-section");
  const heatTitle = element("h4", "fw-heatmap-title");
  const heatControls = element("div", "fw-controls");
  const heatRows = labelledSelect("Rows", "fw-heat-rows-select");
  const heatCols = labelledSelect("Columns", "fw-heat-cols-select");
  heatControls.append(heatRows.root, heatCols.root);
  const heatStatus = element("p", "fw-note fw-heatmap-status");
  heatStatus.setAttribute("role", "status");
  const heatmap = document.createElementNS(SVG_NS, "svg");
  heatmap.classList.add("fw-heatmap");
  heatSection.append(heatTitle, heatControls, heatStatus, heatmap);

  root.append(title, summary, controls, filterControls.root, matchCount, main, heatSection);
  el.append(root);

  let filters: Filters = normaliseFilters(model.get("filters"));
  let lowerTexts: string[] = [];
  let pairs = new Map<string, string>();
  let matches: number[] = [];
  let shown = 0;
  let domain: [number, number] = [0, 1];
  /** True while this view writes `filters`: its own change event needs nothing. */
  let writingFilters = false;

  const metric = (): MetricOption => currentMetric(model.get("metric_options"), model.get("metric"));
  const listContext = (): ListContext => ({
    metric: metric(),
    fdr: model.get("fdr"),
    selected: model.get("selected"),
    annotations: model.get("annotations"),
    domain,
  });

  const showHeader = (): void => {
    const current = metric();
    const slices = model.get("slices");
    const significant = slices.filter((slice) => slice.significant).length;
    const fdr = model.get("fdr");
    setChoices(
      metricControl.select,
      model.get("metric_options").map((option) => ({ value: option.key, label: option.label })),
      current.key,
    );
    title.textContent = `Worst slices by ${current.label.toLowerCase()}`;
    summary.textContent =
      `${formatValue(slices.length, false)} slices up to order ${model.get("max_order")}; ` +
      `${formatValue(significant, false)} significant at a false discovery rate of ${fdr} (q ≤ ${fdr}).`;
    drawListHead(table, current);
  };

  const showFilterControls = (): void =>
    showFilters(filterControls, filters, orderChoices(model.get("slices"), model.get("max_order"), filters));

  const rowsFrom = (start: number, end: number): HTMLTableRowElement[] => {
    const slices = model.get("slices");
    const context = listContext();
    const rows: HTMLTableRowElement[] = [];
    matches.slice(start, end).forEach((index, offset) => {
      const slice = slices[index];
      if (slice !== undefined) {
        rows.push(sliceRow(slice, index + 1, start + offset, context));
      }
    });
    return rows;
  };

  const showCounts = (): void => {
    const total = model.get("slices").length;
    table.setAttribute("aria-rowcount", String(matches.length + 1));
    matchCount.textContent =
      matches.length === 0
        ? `No slice matches the filters (${formatValue(total, false)} in all).`
        : `Showing ${formatValue(shown, false)} of ${formatValue(matches.length, false)} slices that match the filters (${formatValue(total, false)} in all).`;
    const hidden = matches.length - shown;
    showMore.hidden = hidden <= 0;
    showMore.textContent = `Show ${formatValue(Math.min(PAGE_SIZE, hidden), false)} more (${formatValue(hidden, false)} not shown)`;
  };

  /** Redraw the rows shown, keeping keyboard focus on the row that had it. */
  const drawList = (): void => {
    const focused = body.contains(document.activeElement)
      ? ((document.activeElement as HTMLElement | null)?.dataset["slice"] ?? null)
      : null;
    const rows = rowsFrom(0, shown);
    if (rows.length > 0) {
      body.replaceChildren(...rows);
    } else {
      const significantOnly = filters.significant_only ? " Untick “Significant only” to see every slice tested." : "";
      body.replaceChildren(emptyRow(`No slice matches the filters.${significantOnly}`));
    }
    showCounts();
    if (focused !== null) {
      body.querySelector<HTMLElement>(`tr[data-slice="${CSS.escape(focused)}"]`)?.focus();
    }
  };

  /** Apply the filters from the first page (a new filter or new slices). */
  const refilter = (): void => {
    performance.mark(UPDATE_MARK);
    const slices = model.get("slices");
    matches = filterSlices(slices, filters, lowerTexts);
    domain = effectDomain(matches.map((index) => slices[index]).filter((slice) => slice !== undefined));
    shown = Math.min(PAGE_SIZE, matches.length);
    drawList();
    performance.measure(UPDATE_MEASURE, UPDATE_MARK);
    performance.clearMarks(UPDATE_MARK);
  };

  const appendPage = (): void => {
    const rows = rowsFrom(shown, shown + PAGE_SIZE);
    shown += rows.length;
    body.append(...rows);
    showCounts();
    rows[0]?.focus();
  };

  const markSelection = (): void => {
    const selected = model.get("selected");
    for (const row of body.querySelectorAll<HTMLTableRowElement>("tr[data-slice]")) {
      const on = row.dataset["slice"] === selected;
      row.classList.toggle("fw-selected", on);
      if (on) {
        row.setAttribute("aria-current", "true");
      } else {
        row.removeAttribute("aria-current");
      }
    }
    for (const cell of heatmap.querySelectorAll<SVGRectElement>("rect[data-slice]")) {
      cell.parentElement?.classList.toggle("fw-selected", cell.dataset["slice"] === selected);
    }
  };

  const showDrilldown = (): void => {
    const selected = model.get("selected");
    const slice = model.get("slices").find((one) => one.id === selected);
    drawDrilldown(panel, selected, model.get("drilldown"), slice?.text, metric());
    editor.show(selected);
  };

  const drawHeat = (): void => {
    const features = model.get("heatmap_features").map((name) => ({ value: name, label: name }));
    setChoices(heatRows.select, features, model.get("heat_rows"));
    setChoices(heatCols.select, features, model.get("heat_cols"));
    const data = normaliseHeatmap(model.get("heatmap"));
    const current = metric();
    const waiting = data.row_feature !== model.get("heat_rows") || data.col_feature !== model.get("heat_cols");
    heatSection.setAttribute("aria-busy", String(waiting));
    heatTitle.textContent =
      data.row_feature && data.col_feature
        ? `${current.label} by ${data.row_feature} × ${data.col_feature}`
        : `${current.label} over two features`;
    heatStatus.textContent = waiting
      ? "Loading the new cross…"
      : (data.message ?? "Hover a cell for its value and size; a cell of a listed slice selects it (click or Enter).");
    drawHeatmap(heatmap, data, {
      metricLabel: current.label,
      isRate: isRate(current.key, current),
      sliceAt: (row, col) => pairs.get(pairKey([data.row_feature, row], [data.col_feature, col])),
      selected: model.get("selected"),
    });
  };

  const indexSlices = (): void => {
    const slices = model.get("slices");
    lowerTexts = slices.map((slice) => slice.text.toLowerCase());
    pairs = new Map();
    for (const slice of slices) {
      const [a, b] = slice.predicates;
      if (slice.predicates.length === 2 && a !== undefined && b !== undefined) {
        pairs.set(pairKey([a.feature, a.value], [b.feature, b.value]), slice.id);
      }
    }
  };

  const writeFilters = (): void => {
    writingFilters = true;
    try {
      model.set("filters", { ...filters });
      model.save_changes();
    } finally {
      writingFilters = false;
    }
  };
  const saveFilters = debounce(writeFilters, FILTER_DELAY_MS);
  /** The controls changed: filter now; save now (`typed`: once typing pauses). */
  const filterFromControls = (typed: boolean): void => {
    filters = readFilters(filterControls);
    refilter();
    if (typed) {
      saveFilters.call();
    } else {
      saveFilters.cancel();
      writeFilters();
    }
  };

  const select = (id: string): void => {
    if (model.get("selected") !== id) {
      model.set("selected", id);
      model.save_changes();
    }
  };

  listeners.dom(metricControl.select, "change", () => {
    model.set("metric", metricControl.select.value);
    model.save_changes();
  });
  listeners.dom(filterControls.order, "change", () => filterFromControls(false));
  listeners.dom(filterControls.significant, "change", () => filterFromControls(false));
  for (const input of [filterControls.minSize, filterControls.search]) {
    listeners.dom(input, "input", () => filterFromControls(true));
    // Enter or leaving the field: save what was typed now.
    listeners.dom(input, "change", () => saveFilters.flush());
  }
  listeners.dom(showMore, "click", appendPage);
  listeners.dom(panel.close, "click", () => select(""));
  for (const [axis, control] of [
    ["heat_rows", heatRows.select],
    ["heat_cols", heatCols.select],
  ] as const) {
    listeners.dom(control, "change", () => {
      const other = axis === "heat_rows" ? "heat_cols" : "heat_rows";
      const previous = model.get(axis);
      const chosen = control.value;
      model.set(axis, chosen);
      // A feature crossed with itself is no cross: the two swap instead.
      if (model.get(other) === chosen) {
        model.set(other, previous);
      }
      model.save_changes();
    });
  }
  listeners.dom(root, "click", (event) => {
    const id = sliceTargetOf(event)?.dataset["slice"];
    if (id !== undefined) {
      select(id);
    }
  });
  listeners.dom(root, "keydown", (event) => {
    const target = sliceTargetOf(event);
    const id = target?.dataset["slice"];
    if (target === null || id === undefined || event.target !== target) {
      return;
    }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault(); // Space would scroll the page
      select(id);
    } else if (target instanceof HTMLTableRowElement) {
      const rows = Array.from(body.querySelectorAll<HTMLTableRowElement>("tr[data-slice]"));
      const at = rows.indexOf(target);
      const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1 };
      const next = moves[event.key];
      const row = next === undefined ? undefined : rows[next];
      if (row !== undefined) {
        event.preventDefault(); // the arrows would scroll the page
        row.focus();
      }
    }
  });

  const on = (trait: keyof SlicesModel, callback: () => void): void =>
    listeners.model(model, `change:${trait}`, callback);
  for (const trait of ["metric", "metric_options"] as const) {
    on(trait, () => {
      showHeader();
      drawList();
      showDrilldown();
      drawHeat();
    });
  }
  for (const trait of ["fdr", "max_order"] as const) {
    on(trait, () => {
      showHeader();
      showFilterControls();
      drawList();
    });
  }
  on("slices", () => {
    indexSlices();
    showHeader();
    showFilterControls();
    refilter();
    showDrilldown();
    drawHeat();
  });
  on("filters", () => {
    // This view's own write needs nothing; while the user types, their filter wins.
    if (!writingFilters && !saveFilters.pending) {
      filters = normaliseFilters(model.get("filters"));
      showFilterControls();
      refilter();
    }
  });
  on("selected", () => {
    markSelection();
    showDrilldown();
  });
  on("drilldown", showDrilldown);
  on("annotations", () => {
    drawList();
    editor.refresh();
  });
  for (const trait of ["heatmap", "heatmap_features", "heat_rows", "heat_cols"] as const) {
    on(trait, drawHeat);
  }

  indexSlices();
  showHeader();
  showFilterControls();
  refilter();
  showDrilldown();
  drawHeat();

  return () => {
    // Typing done just before the view goes away is not lost.
    saveFilters.flush();
    editor.flush();
    listeners.dispose();
    root.remove();
  };
}

export default { render };
