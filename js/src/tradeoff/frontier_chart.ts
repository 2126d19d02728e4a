/**
 * The frontier chart: objective (y) against disparity (x) for every frontier point, the
 * reference points and other libraries' mitigations, with a ring at the current selection.
 * Frontier points are focusable `[data-point]` groups; the caller handles click and Enter.
 */
import { axisBottom, axisLeft } from "d3-axis";
import { scaleLinear, type ScaleLinear } from "d3-scale";
import { select, type Selection } from "d3-selection";
import type { FrontierPoint, Mitigation } from "./model";
import { placeLabels, type LabelRequest } from "./label_layout";
import { KIND_CLASSES, KIND_LABELS } from "./text";

export interface FrontierOptions {
  objectiveLabel: string;
  disparityLabel: string;
  formatObjective: (value: number) => string;
  formatDisparity: (value: number) => string;
  /** Objective ticks as percentages (accuracy), else plain numbers. */
  percentObjective: boolean;
}

/** What the view changes without redrawing: the ring and the highlighted point. */
export interface FrontierChart {
  /** Move the ring to the current selection (hidden when `disparity` is undefined). */
  placeRing(disparity: number | null, objective: number): void;
  /** Mark point `point` as the selected one (-1: none). */
  highlight(point: number): void;
}

export const WIDTH = 640;
export const HEIGHT = 340;
const MARGIN = { top: 16, right: 24, bottom: 46, left: 70 };
const SQUARE = 4.5;
const DIAMOND = 6;
const TRIANGLE = 6;
const MITIGATION_LABEL = "fw-mitigation-label";

/** A label to place, with the class it is drawn with. */
type ChartLabel = LabelRequest & { className: string };

type Scale = ScaleLinear<number, number>;
type Layer = Selection<SVGGElement, unknown, null, undefined>;

function finite(value: number): boolean {
  return Number.isFinite(value);
}

function drawable<T extends { disparity: number; objective: number }>(items: readonly T[]): T[] {
  return items.filter((item) => finite(item.disparity) && finite(item.objective));
}

function scales(points: readonly FrontierPoint[], mitigations: readonly Mitigation[]): { x: Scale; y: Scale } {
  const all = [...points, ...mitigations];
  const widest = Math.max(0, ...all.map((item) => item.disparity));
  const x = scaleLinear()
    .domain([0, widest > 0 ? widest * 1.05 : 0.1])
    .range([MARGIN.left, WIDTH - MARGIN.right])
    .nice();
  const objectives = all.map((item) => item.objective);
  let low = objectives.length > 0 ? Math.min(...objectives) : 0;
  let high = objectives.length > 0 ? Math.max(...objectives) : 1;
  const pad = high > low ? (high - low) * 0.08 : Math.max(Math.abs(high) * 0.01, 0.01);
  low -= pad;
  high += pad;
  const y = scaleLinear()
    .domain([low, high])
    .range([HEIGHT - MARGIN.bottom, MARGIN.top])
    .nice();
  return { x, y };
}

/** A path through the points in the order given: a staircase (best objective so far) or a line. */
function linePath(coordinates: ReadonlyArray<readonly [number, number]>, steps: boolean): string {
  return coordinates
    .map(([x, y], index) => {
      if (index === 0) {
        return `M${x},${y}`;
      }
      return steps ? `H${x}V${y}` : `L${x},${y}`;
    })
    .join("");
}

function byDisparity<T extends { disparity: number; objective: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.disparity - b.disparity || a.objective - b.objective);
}

function marker(kind: FrontierPoint["kind"]): string {
  switch (kind) {
    case "single threshold":
      return `M${-SQUARE},${-SQUARE}h${2 * SQUARE}v${2 * SQUARE}h${-2 * SQUARE}Z`;
    case "unconstrained":
      return `M0,${-DIAMOND}L${DIAMOND},0L0,${DIAMOND}L${-DIAMOND},0Z`;
    case "randomised thresholds":
      return "M-3,0a3,3 0 1,0 6,0a3,3 0 1,0 -6,0";
    default:
      return "M-4.5,0a4.5,4.5 0 1,0 9,0a4.5,4.5 0 1,0 -9,0";
  }
}

const TRIANGLE_PATH = `M0,${-TRIANGLE}L${TRIANGLE},${TRIANGLE * 0.8}L${-TRIANGLE},${TRIANGLE * 0.8}Z`;

function drawAxes(root: Layer, x: Scale, y: Scale, options: FrontierOptions): void {
  root
    .append("g")
    .attr("class", "fw-axis fw-axis-x")
    .attr("transform", `translate(0,${HEIGHT - MARGIN.bottom})`)
    .call(axisBottom(x).ticks(6));
  root
    .append("g")
    .attr("class", "fw-axis fw-axis-y")
    .attr("transform", `translate(${MARGIN.left},0)`)
    .call(axisLeft(y).ticks(6, options.percentObjective ? "%" : ",~g"));
  root
    .append("text")
    .attr("class", "fw-axis-label fw-axis-label-x")
    .attr("x", (MARGIN.left + WIDTH - MARGIN.right) / 2)
    .attr("y", HEIGHT - 8)
    .attr("text-anchor", "middle")
    .text(options.disparityLabel);
  root
    .append("text")
    .attr("class", "fw-axis-label fw-axis-label-y")
    .attr("transform", `translate(16,${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)`)
    .attr("text-anchor", "middle")
    .text(options.objectiveLabel);
}

function describeMitigation(item: Mitigation, options: FrontierOptions): string {
  const params = item.params ? ` (${item.params})` : "";
  return `${item.label}: ${item.method}${params}\n${options.objectiveLabel}: ${options.formatObjective(item.objective)}, ${options.disparityLabel}: ${options.formatDisparity(item.disparity)}`;
}

function drawMitigations(
  root: Layer,
  items: readonly Mitigation[],
  x: Scale,
  y: Scale,
  options: FrontierOptions,
): ChartLabel[] {
  const layer = root.append("g").attr("class", "fw-mitigations");
  const labels: ChartLabel[] = [];
  const curves = new Map<string, Mitigation[]>();
  for (const item of items) {
    if (item.curve !== null) {
      curves.set(item.curve, [...(curves.get(item.curve) ?? []), item]);
    }
  }
  for (const [name, members] of curves) {
    layer
      .append("path")
      .attr("class", "fw-mitigation-curve")
      .attr("data-curve", name)
      .attr(
        "d",
        linePath(
          members.map((item) => [x(item.disparity), y(item.objective)] as const),
          false,
        ),
      );
    const last = members[members.length - 1];
    if (last !== undefined) {
      labels.push(mitigationLabel(x(last.disparity), y(last.objective), name));
    }
  }
  const marks = layer
    .selectAll<SVGGElement, Mitigation>("g.fw-mitigation")
    .data(items)
    .join("g")
    .attr("class", "fw-mitigation")
    .attr("data-mitigation", (_, index) => String(index))
    .attr("role", "img")
    .attr("aria-label", (item) => describeMitigation(item, options).replace("\n", "; "))
    .attr("transform", (item) => `translate(${x(item.disparity)},${y(item.objective)})`);
  marks.append("title").text((item) => describeMitigation(item, options));
  marks.append("path").attr("class", "fw-mitigation-mark").attr("d", TRIANGLE_PATH);
  for (const item of items.filter((one) => one.curve === null)) {
    labels.push(mitigationLabel(x(item.disparity), y(item.objective), item.label));
  }
  return labels;
}

/** A model's (or a curve of models') label, under its mark. */
function mitigationLabel(x: number, y: number, text: string): ChartLabel {
  return { x, y, text, side: "below", className: MITIGATION_LABEL };
}

/** The labels of the reference points and other libraries' models, out of each other's way. */
function drawLabels(root: Layer, requests: readonly ChartLabel[]): void {
  const layer = root.append("g").attr("class", "fw-labels");
  const placed = placeLabels(requests, {
    left: 2,
    right: WIDTH - 2,
    top: 0,
    bottom: HEIGHT - MARGIN.bottom,
  });
  placed.forEach((spot, index) => {
    const className = requests[index]?.className ?? "";
    if (spot.leader !== null) {
      layer
        .append("line")
        .attr("class", `fw-label-leader ${className}-leader`)
        .attr("x1", spot.leader.x1)
        .attr("y1", spot.leader.y1)
        .attr("x2", spot.leader.x2)
        .attr("y2", spot.leader.y2);
    }
    layer
      .append("text")
      .attr("class", className)
      .attr("x", spot.x)
      .attr("y", spot.y)
      .attr("text-anchor", "middle")
      .text(spot.text);
  });
}

function describePoint(point: FrontierPoint, options: FrontierOptions): string {
  const epsilon =
    point.epsilon === null || !finite(point.epsilon) ? "" : `, allowed ${options.formatDisparity(point.epsilon)}`;
  return `Point ${point.point}: ${KIND_LABELS[point.kind] ?? point.kind}${epsilon}; ${options.objectiveLabel} ${options.formatObjective(point.objective)}, ${options.disparityLabel} ${options.formatDisparity(point.disparity)}. Press Enter to use its thresholds.`;
}

function drawPoints(
  root: Layer,
  points: readonly FrontierPoint[],
  x: Scale,
  y: Scale,
  options: FrontierOptions,
): ChartLabel[] {
  const lines = root.append("g").attr("class", "fw-frontier-lines");
  for (const [kind, steps] of [
    ["thresholds", true],
    ["randomised thresholds", false],
  ] as const) {
    const members = byDisparity(points.filter((point) => point.kind === kind));
    if (members.length > 1) {
      lines
        .append("path")
        .attr("class", `fw-frontier-line ${KIND_CLASSES[kind]}`)
        .attr(
          "d",
          linePath(
            members.map((point) => [x(point.disparity), y(point.objective)] as const),
            steps,
          ),
        );
    }
  }
  // Tab order: the frontier from the fairest point, then the reference points.
  const ordered = [
    ...byDisparity(points.filter((point) => point.kind === "thresholds" || point.kind === "randomised thresholds")),
    ...points.filter((point) => point.kind === "single threshold" || point.kind === "unconstrained"),
  ];
  const marks = root
    .append("g")
    .attr("class", "fw-points")
    .selectAll<SVGGElement, FrontierPoint>("g.fw-point")
    .data(ordered)
    .join("g")
    .attr("class", (point) => `fw-point ${KIND_CLASSES[point.kind] ?? ""}`)
    .attr("data-point", (point) => String(point.point))
    .attr("data-kind", (point) => point.kind)
    .attr("tabindex", 0)
    .attr("role", "button")
    .attr("aria-pressed", "false")
    .attr("aria-label", (point) => describePoint(point, options))
    .attr("transform", (point) => `translate(${x(point.disparity)},${y(point.objective)})`);
  marks.append("title").text((point) => describePoint(point, options));
  marks.append("circle").attr("class", "fw-hit").attr("r", 8);
  marks
    .append("path")
    .attr("class", "fw-point-mark")
    .attr("d", (point) => marker(point.kind));
  return points
    .filter((one) => one.kind === "single threshold" || one.kind === "unconstrained")
    .map((point) => ({
      x: x(point.disparity),
      y: y(point.objective),
      text: point.kind,
      side: "above" as const,
      className: "fw-point-label",
    }));
}

/** Redraw `svg` from scratch; returns handles to move the ring and the highlight cheaply. */
export function drawFrontier(
  svg: SVGSVGElement,
  allPoints: readonly FrontierPoint[],
  allMitigations: readonly Mitigation[],
  options: FrontierOptions,
): FrontierChart {
  const points = drawable(allPoints);
  const mitigations = drawable(allMitigations);
  const root = select(svg)
    .attr("viewBox", `0 0 ${WIDTH} ${HEIGHT}`)
    .attr("width", "100%")
    .attr("role", "group")
    .attr("aria-label", `${options.objectiveLabel} against ${options.disparityLabel}`);
  root.selectAll("*").remove();
  const { x, y } = scales(points, mitigations);
  const layer = root.append("g");
  drawAxes(layer, x, y, options);
  const mitigationLabels = drawMitigations(layer, mitigations, x, y, options);
  const pointLabels = drawPoints(layer, points, x, y, options);
  // The reference points' labels first: they are few and name the chart's landmarks.
  drawLabels(layer, [...pointLabels, ...mitigationLabels]);

  const ring = layer.append("g").attr("class", "fw-ring").attr("aria-hidden", "true");
  const ringTitle = ring.append("title");
  ring.append("circle").attr("class", "fw-ring-mark").attr("r", 9);
  const [left, right] = x.range() as [number, number];
  const [bottom, top] = y.range() as [number, number];
  const ringNode = ring.node() as SVGGElement;
  const titleNode = ringTitle.node() as Element;
  const pointNodes = Array.from(svg.querySelectorAll<SVGGElement>("g.fw-point"));

  return {
    placeRing(disparity, objective) {
      if (disparity === null || !finite(disparity) || !finite(objective)) {
        ringNode.setAttribute("display", "none");
        return;
      }
      const px = x(disparity);
      const py = y(objective);
      const cx = Math.min(right, Math.max(left, px));
      const cy = Math.min(bottom, Math.max(top, py));
      const outside = cx !== px || cy !== py;
      ringNode.removeAttribute("display");
      ringNode.setAttribute("transform", `translate(${cx},${cy})`);
      ringNode.setAttribute("class", outside ? "fw-ring fw-off-chart" : "fw-ring");
      titleNode.textContent = `Current selection: ${options.objectiveLabel} ${options.formatObjective(objective)}, ${options.disparityLabel} ${options.formatDisparity(disparity)}${outside ? " (outside the chart, drawn at its edge)" : ""}`;
    },
    highlight(point) {
      for (const node of pointNodes) {
        const selected = node.getAttribute("data-point") === String(point);
        node.classList.toggle("fw-selected", selected);
        node.setAttribute("aria-pressed", String(selected));
      }
    },
  };
}

const SVG_NS = "http://www.w3.org/2000/svg";

function swatch(className: string, markClass: string, path: string, line: string | null): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "-12 -8 24 16");
  svg.setAttribute("width", "24");
  svg.setAttribute("height", "16");
  svg.setAttribute("aria-hidden", "true");
  svg.classList.add("fw-swatch", ...className.split(" "));
  if (line !== null) {
    const stroke = document.createElementNS(SVG_NS, "path");
    stroke.setAttribute("class", line);
    stroke.setAttribute("d", "M-11,0H11");
    svg.append(stroke);
  }
  const mark = document.createElementNS(SVG_NS, "path");
  mark.setAttribute("class", markClass);
  mark.setAttribute("d", path);
  svg.append(mark);
  return svg;
}

/** The legend: one entry per kind of mark on the chart, plus the ring. */
export function drawLegend(
  list: HTMLUListElement,
  points: readonly FrontierPoint[],
  mitigations: readonly Mitigation[],
): void {
  const kinds = new Set(points.map((point) => point.kind));
  const entries: Array<[string, SVGSVGElement]> = [];
  for (const kind of ["thresholds", "randomised thresholds", "single threshold", "unconstrained"] as const) {
    if (kinds.has(kind)) {
      const line = kind === "thresholds" || kind === "randomised thresholds" ? "fw-frontier-line" : null;
      entries.push([KIND_LABELS[kind], swatch(KIND_CLASSES[kind], "fw-point-mark", marker(kind), line)]);
    }
  }
  if (mitigations.length > 0) {
    entries.push([
      "Other methods (fairlearn, aif360…)",
      swatch("fw-mitigation", "fw-mitigation-mark", TRIANGLE_PATH, null),
    ]);
  }
  entries.push(["Current selection", swatch("fw-ring", "fw-ring-mark", "M-6,0a6,6 0 1,0 12,0a6,6 0 1,0 -12,0", null)]);
  list.replaceChildren(
    ...entries.map(([text, icon]) => {
      const item = document.createElement("li");
      const caption = document.createElement("span");
      caption.textContent = text;
      item.append(icon, caption);
      return item;
    }),
  );
}
