/**
 * The ranked list of slices: one focusable row per slice (`tr[data-slice]`), a page at a time,
 * with the effect drawn as a small bar and its interval as a whisker across zero.
 */
import {
  dataValue,
  formatDifference,
  formatDifferenceInterval,
  formatProbability,
  formatValue,
} from "../shared/format";
import { svgElement } from "../shared/svg";
import type { Annotation, MetricOption, SliceRow } from "./model";
import { describeSlice, fewLabel, isRate, significanceLabel, SMALL_SLICE, STATUS_CLASSES } from "./text";

/** Rows added to the list at a time. */
export const PAGE_SIZE = 50;

const BAR_WIDTH = 96;
const BAR_HEIGHT = 16;

/** What every row of one drawing shares. */
export interface ListContext {
  metric: MetricOption;
  fdr: number;
  selected: string;
  annotations: Readonly<Record<string, Annotation>>;
  /** The effect scale of the bars: one for every slice that passes the filters. */
  domain: [number, number];
}

/** A domain holding zero and every effect and interval end of `slices`, with a little room. */
export function effectDomain(slices: readonly SliceRow[]): [number, number] {
  let low = 0;
  let high = 0;
  for (const slice of slices) {
    for (const end of [slice.effect, slice.ci_low, slice.ci_high]) {
      if (end !== null && Number.isFinite(end)) {
        low = Math.min(low, end);
        high = Math.max(high, end);
      }
    }
  }
  const room = (high - low || 1) * 0.04;
  return [low - (low < 0 ? room : 0), high + room];
}

function headCell(text: string, title: string, className = ""): HTMLTableCellElement {
  const cell = document.createElement("th");
  cell.className = className;
  cell.scope = "col";
  cell.textContent = text;
  cell.title = title;
  return cell;
}

/** (Re)write the head of the table for `metric`. */
export function drawListHead(table: HTMLTableElement, metric: MetricOption): void {
  const head = table.tHead ?? table.createTHead();
  const row = document.createElement("tr");
  row.append(
    headCell("#", "Rank: worst first, over every slice tested"),
    headCell("Slice", "The people who match every condition; (n=…) marks a slice of fewer than 30", "fw-slice-head"),
    headCell("Size", "People in the slice"),
    headCell(metric.label, `${metric.label} in the slice`),
    headCell("Rest", `${metric.label} of everyone else`),
    headCell(
      "Effect (95% CI)",
      "How much worse the slice is than the rest, with its 95% interval; the whisker crosses the zero line when the data cannot tell the sign",
    ),
    headCell("q-value", "p-value adjusted for the false discovery rate over every slice tested"),
  );
  head.replaceChildren(row);
}

function cell(column: string, text: string, value: number | null): HTMLTableCellElement {
  const node = document.createElement("td");
  node.dataset["column"] = column;
  node.dataset["value"] = dataValue(value);
  node.textContent = text;
  return node;
}

/** The effect as a bar from zero, its interval as a whisker, and the zero line on top. */
function effectBar(slice: SliceRow, domain: [number, number]): SVGSVGElement {
  const [low, high] = domain;
  const x = (value: number): number => ((Math.min(Math.max(value, low), high) - low) / (high - low)) * BAR_WIDTH;
  const svg = svgElement("svg", {
    class: "fw-effect-bar",
    width: BAR_WIDTH,
    height: BAR_HEIGHT,
    viewBox: `0 0 ${BAR_WIDTH} ${BAR_HEIGHT}`,
    "aria-hidden": "true",
  });
  const zero = x(0);
  if (slice.effect !== null && Number.isFinite(slice.effect)) {
    const end = x(slice.effect);
    svgElement(
      "rect",
      {
        class: slice.effect > 0 ? "fw-effect-worse" : "fw-effect-better",
        x: Math.min(zero, end),
        y: 4,
        width: Math.max(Math.abs(end - zero), 1),
        height: BAR_HEIGHT - 8,
      },
      svg,
    );
  }
  if (slice.ci_low !== null && slice.ci_high !== null) {
    const [from, to] = [x(slice.ci_low), x(slice.ci_high)];
    const whisker = svgElement("g", { class: "fw-effect-ci" }, svg);
    if (slice.ci_low <= 0 && slice.ci_high >= 0) {
      svg.classList.add("fw-crosses-zero");
    }
    const middle = BAR_HEIGHT / 2;
    svgElement("line", { x1: from, x2: to, y1: middle, y2: middle }, whisker);
    for (const end of [from, to]) {
      svgElement("line", { x1: end, x2: end, y1: middle - 4, y2: middle + 4 }, whisker);
    }
  }
  svgElement("line", { class: "fw-effect-zero", x1: zero, x2: zero, y1: 0, y2: BAR_HEIGHT }, svg);
  return svg;
}

/**
 * One row of the list: focusable, `data-slice` its id, cells with full-precision `data-value`s.
 * `rank` is the slice's place in the ranking, `position` its place among the filtered slices.
 */
export function sliceRow(slice: SliceRow, rank: number, position: number, context: ListContext): HTMLTableRowElement {
  const rate = isRate(context.metric.key, context.metric);
  const row = document.createElement("tr");
  row.dataset["slice"] = slice.id;
  row.tabIndex = 0;
  // Only a page of the matches is in the DOM: the row's place among all of them (after the head).
  row.setAttribute("aria-rowindex", String(position + 2));
  const selected = slice.id === context.selected;
  row.className = [
    "fw-slice-row",
    selected ? "fw-selected" : "",
    slice.significant ? "fw-significant" : "",
    slice.size < SMALL_SLICE ? "fw-small" : "",
  ]
    .filter(Boolean)
    .join(" ");
  if (selected) {
    row.setAttribute("aria-current", "true");
  }

  const rankCell = cell("rank", String(rank), rank);
  const name = document.createElement("th");
  name.scope = "row";
  name.className = "fw-slice-name";
  name.title = describeSlice(slice, context.metric, context.fdr);
  const text = document.createElement("span");
  text.className = "fw-slice-text";
  text.textContent = slice.text;
  name.append(text);
  const few = fewLabel(slice.size);
  if (few) {
    const flag = document.createElement("span");
    flag.className = "fw-few";
    flag.textContent = ` ${few}`;
    name.append(flag);
  }
  const annotation = context.annotations[slice.id];
  if (annotation !== undefined) {
    const badge = document.createElement("span");
    badge.className = `fw-status-badge ${STATUS_CLASSES[annotation.status] ?? ""}`.trim();
    badge.dataset["status"] = annotation.status;
    badge.textContent = annotation.status;
    badge.title = annotation.note ? `Review: ${annotation.status}. ${annotation.note}` : `Review: ${annotation.status}`;
    name.append(" ", badge);
  }

  const effect = cell("effect", "", slice.effect);
  effect.className = "fw-effect";
  const effectText = document.createElement("span");
  effectText.className = "fw-effect-text";
  effectText.textContent = formatDifference(slice.effect, rate);
  const interval = document.createElement("span");
  interval.className = "fw-effect-interval";
  interval.textContent = formatDifferenceInterval(slice.ci_low, slice.ci_high, rate);
  interval.dataset["low"] = dataValue(slice.ci_low);
  interval.dataset["high"] = dataValue(slice.ci_high);
  const numbers = document.createElement("span");
  numbers.className = "fw-effect-numbers";
  numbers.append(effectText, interval);
  effect.append(effectBar(slice, context.domain), numbers);

  const q = cell("q_value", "", slice.q_value);
  q.className = "fw-q";
  const qText = document.createElement("span");
  qText.className = "fw-q-value";
  qText.textContent = formatProbability(slice.q_value);
  const verdict = document.createElement("span");
  verdict.className = "fw-verdict";
  verdict.textContent = significanceLabel(slice);
  q.append(qText, verdict);

  row.append(
    rankCell,
    name,
    cell("size", formatValue(slice.size, false), slice.size),
    cell("value", formatValue(slice.value, rate), slice.value),
    cell("rest_value", formatValue(slice.rest_value, rate), slice.rest_value),
    effect,
    q,
  );
  return row;
}

/** A row saying why the list is empty (no `data-slice`: not a slice). */
export function emptyRow(message: string): HTMLTableRowElement {
  const row = document.createElement("tr");
  row.className = "fw-empty";
  const only = row.insertCell();
  only.colSpan = 7;
  only.textContent = message;
  return row;
}
