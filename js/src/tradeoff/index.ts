/**
 * TradeoffExplorer: per-group decision thresholds on sliders, with the objective / disparity
 * frontier they move along. A slider move is computed here from the counts (no kernel round
 * trip) and written to the model on release, at most a few times a second.
 */
import type { RenderProps } from "@anywidget/types";
import { labelledSelect, setChoices } from "../shared/controls";
import { Listeners } from "../shared/listeners";
import { throttle } from "../shared/throttle";
import { drawFrontier, drawLegend, type FrontierChart } from "./frontier_chart";
import { buildGroupTable, markConstrained, updateGroupRow, type GroupRow } from "./group_rows";
import { drawMitigationList } from "./mitigation_list";
import type { TradeoffModel } from "./model";
import { Selection } from "./selection";
import {
  dataValue,
  disparityLabel,
  formatDisparity,
  formatObjective,
  humanise,
  KIND_LABELS,
  objectiveChoice,
  objectiveLabel,
} from "./text";
import "./tradeoff.css";

const SVG_NS = "http://www.w3.org/2000/svg";
/** Performance API names a benchmark reads: the duration of one slider update. */
export const UPDATE_MARK = "fw-tradeoff-update-start";
export const UPDATE_MEASURE = "fw-tradeoff-update";
/** Slider changes are saved at most once per this many milliseconds. */
export const SAVE_INTERVAL_MS = 250;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

/** "Accuracy: <strong data-summary=objective>" and the like. */
function summaryItem(key: string): { item: HTMLSpanElement; caption: HTMLSpanElement; value: HTMLElement } {
  const item = element("span", "fw-summary-item");
  const caption = element("span", "fw-summary-caption");
  const value = element("strong", "fw-summary-value");
  value.dataset["summary"] = key;
  item.append(caption, value);
  return { item, caption, value };
}

/** The frontier point an event came from, if any. */
function pointOf(event: Event): number | null {
  const target = event.target;
  if (!(target instanceof Element)) {
    return null;
  }
  const id = target.closest<SVGElement>("[data-point]")?.dataset["point"];
  return id === undefined ? null : Number(id);
}

function sliderOf(event: Event): HTMLInputElement | null {
  const target = event.target;
  return target instanceof HTMLInputElement && target.classList.contains("fw-slider") ? target : null;
}

function render({ model, el }: RenderProps<TradeoffModel>): () => void {
  const listeners = new Listeners();
  const root = element("div", "fw-tradeoff");
  const controls = element("div", "fw-controls");
  const constraintControl = labelledSelect("Constraint", "fw-constraint-select");
  const objectiveControl = labelledSelect("Objective", "fw-objective-select");
  controls.append(constraintControl.root, objectiveControl.root);
  const title = element("h3", "fw-title");
  const summary = element("p", "fw-summary");
  const objectiveItem = summaryItem("objective");
  const disparityItem = summaryItem("disparity");
  const pointItem = element("span", "fw-summary-item fw-summary-point");
  pointItem.dataset["summary"] = "point";
  summary.append(objectiveItem.item, disparityItem.item, pointItem);
  const chartSvg = document.createElementNS(SVG_NS, "svg");
  chartSvg.classList.add("fw-frontier-chart");
  const legend = element("ul", "fw-legend");
  const note = element("p", "fw-note");
  note.textContent =
    "Click a point (or focus it and press Enter) to apply its thresholds; move a group's slider to set its threshold yourself.";
  const mitigationList = element("details", "fw-mitigation-list");
  const table = element("table", "fw-group-table");
  const tableWrap = element("div", "fw-table-wrap");
  tableWrap.append(table);
  root.append(controls, title, summary, chartSvg, legend, note, mitigationList, tableWrap);
  el.append(root);

  const selection = new Selection(
    model.get("groups"),
    model.get("selection"),
    model.get("weights"),
    model.get("rate_names"),
  );
  let selectedPoint = model.get("selected_point");
  let rows: GroupRow[] = [];
  let chart: FrontierChart | null = null;
  /** True while this view writes the model: its own change events need no redraw. */
  let writing = false;
  /** The user moved a slider and the model does not have it yet. */
  let unsaved = false;

  const showRow = (index: number): void => {
    const row = rows[index];
    const group = selection.group(index);
    const counts = selection.countsOf(index);
    const rates = selection.ratesOf(index);
    if (row !== undefined && group !== undefined && counts !== undefined && rates !== undefined) {
      updateGroupRow(row, group, selection.choiceOf(index), counts, rates);
    }
  };
  const showRows = (): void => {
    for (let index = 0; index < selection.size; index += 1) {
      showRow(index);
    }
  };
  const showSummary = (): void => {
    const objective = model.get("objective");
    const current = selection.summary();
    objectiveItem.caption.textContent = `${objectiveLabel(objective)}: `;
    objectiveItem.value.dataset["value"] = dataValue(current.objective);
    objectiveItem.value.textContent = formatObjective(objective, current.objective);
    disparityItem.caption.textContent = `${disparityLabel(model.get("constraint"))}: `;
    disparityItem.value.dataset["value"] = dataValue(current.disparity);
    disparityItem.value.textContent = formatDisparity(current.disparity);
    chart?.placeRing(current.disparity, current.objective);
  };
  const showSelectedPoint = (): void => {
    const point = model.get("points").find((one) => one.point === selectedPoint);
    pointItem.dataset["value"] = String(point === undefined ? -1 : selectedPoint);
    pointItem.textContent =
      point === undefined
        ? "Thresholds set by hand (not a frontier point)"
        : `Frontier point ${point.point}: ${KIND_LABELS[point.kind] ?? point.kind}`;
    chart?.highlight(point === undefined ? -1 : selectedPoint);
  };
  const showControls = (): void => {
    setChoices(
      constraintControl.select,
      model.get("constraint_options").map((value) => ({ value, label: humanise(value) })),
      model.get("constraint"),
    );
    setChoices(objectiveControl.select, model.get("objective_options").map(objectiveChoice), model.get("objective"));
    title.textContent = `Per-group thresholds by ${model.get("attribute")}`;
  };
  const drawChart = (): void => {
    const objective = model.get("objective");
    const focused = chartSvg.contains(document.activeElement)
      ? (document.activeElement?.getAttribute("data-point") ?? null)
      : null;
    const options = {
      objectiveLabel: objectiveLabel(objective),
      disparityLabel: disparityLabel(model.get("constraint")),
      formatObjective: (value: number) => formatObjective(objective, value),
      formatDisparity: (value: number) => formatDisparity(value),
      percentObjective: objective === "accuracy" || objective === "balanced_accuracy",
    };
    chart = drawFrontier(chartSvg, model.get("points"), model.get("mitigations"), options);
    drawLegend(legend, model.get("points"), model.get("mitigations"));
    drawMitigationList(
      mitigationList,
      model.get("mitigations"),
      options.formatObjective,
      options.formatDisparity,
      options.objectiveLabel,
    );
    showSummary();
    showSelectedPoint();
    if (focused !== null) {
      chartSvg.querySelector<SVGGElement>(`[data-point="${CSS.escape(focused)}"]`)?.focus();
    }
  };
  const drawTable = (): void => {
    rows = buildGroupTable(table, model.get("groups"));
    markConstrained(table, model.get("rate_names"));
    showRows();
  };

  const write = (): void => {
    writing = true;
    try {
      model.set("selection", selection.toJSON());
      model.set("selected_point", selectedPoint);
      model.save_changes();
    } finally {
      writing = false;
      unsaved = false;
    }
  };
  const save = throttle(write, SAVE_INTERVAL_MS);

  /** What a slider move changes, computed here from the cached counts. */
  const moveSlider = (slider: HTMLInputElement): void => {
    performance.mark(UPDATE_MARK);
    const index = Number(slider.dataset["index"]);
    selection.setChoice(index, [[Number(slider.value), 1]]);
    unsaved = true;
    showRow(index);
    showSummary();
    if (selectedPoint !== -1) {
      selectedPoint = -1;
      showSelectedPoint();
    }
    performance.measure(UPDATE_MEASURE, UPDATE_MARK);
    performance.clearMarks(UPDATE_MARK);
  };
  const choosePoint = (id: number): void => {
    const point = model.get("points").find((one) => one.point === id);
    if (point === undefined) {
      return;
    }
    save.cancel();
    selection.reset(model.get("groups"), point.choice);
    selectedPoint = id;
    showRows();
    showSummary();
    showSelectedPoint();
    write(); // one deliberate action: saved at once
  };
  /** Start again from the model's selection, dropping a move not saved yet. */
  const resetSelection = (): void => {
    save.cancel();
    unsaved = false;
    selection.reset(model.get("groups"), model.get("selection"));
    selectedPoint = model.get("selected_point");
  };
  const choose = (key: "constraint" | "objective", value: string): void => {
    model.set(key, value);
    model.save_changes();
  };

  listeners.dom(constraintControl.select, "change", () => choose("constraint", constraintControl.select.value));
  listeners.dom(objectiveControl.select, "change", () => choose("objective", objectiveControl.select.value));
  listeners.dom(root, "input", (event) => {
    const slider = sliderOf(event);
    if (slider !== null) {
      moveSlider(slider);
    }
  });
  listeners.dom(root, "change", (event) => {
    const slider = sliderOf(event);
    if (slider !== null) {
      // `change` may come without `input` (e.g. a value set by a script): show the move first.
      const choice = selection.choiceOf(Number(slider.dataset["index"]));
      if (choice.length !== 1 || choice[0]?.[0] !== Number(slider.value)) {
        moveSlider(slider);
      }
      if (unsaved) {
        save.call();
      }
    }
  });
  listeners.dom(root, "click", (event) => {
    const id = pointOf(event);
    if (id !== null) {
      choosePoint(id);
    }
  });
  listeners.dom(root, "keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") {
      return;
    }
    const id = pointOf(event);
    if (id !== null) {
      event.preventDefault(); // Space would scroll the page
      choosePoint(id);
    }
  });

  const on = (trait: keyof TradeoffModel, callback: () => void): void =>
    listeners.model(model, `change:${trait}`, callback);
  on("selection", () => {
    // A change this view made needs nothing; while the user moves a slider, their move wins.
    if (!writing && !unsaved) {
      resetSelection();
      showRows();
      showSummary();
      showSelectedPoint();
    }
  });
  on("selected_point", () => {
    if (!writing && !unsaved) {
      selectedPoint = model.get("selected_point");
      showSelectedPoint();
    }
  });
  on("groups", () => {
    resetSelection();
    drawTable();
    showSummary();
    showSelectedPoint();
  });
  on("points", drawChart);
  on("mitigations", drawChart);
  on("weights", () => {
    selection.setWeights(model.get("weights"));
    showSummary();
  });
  on("rate_names", () => {
    selection.setRateNames(model.get("rate_names"));
    markConstrained(table, model.get("rate_names"));
    showSummary();
  });
  for (const trait of ["constraint", "objective"] as const) {
    on(trait, () => {
      showControls();
      drawChart();
    });
  }
  on("attribute", showControls);
  on("constraint_options", showControls);
  on("objective_options", showControls);

  showControls();
  drawTable();
  drawChart();

  return () => {
    save.flush(); // a move released just before the view goes away is not lost
    listeners.dispose();
    root.remove();
  };
}

export default { render };
