/** A horizontal bar chart of one value per group, with interval whiskers. */
import { axisBottom, axisLeft } from "d3-axis";
import { scaleBand, scaleLinear } from "d3-scale";
import { select } from "d3-selection";

export interface Bar {
  /** Identifier sent back on click (the group name). */
  key: string;
  label: string;
  /** `null` when the value is undefined for this group (e.g. no positives). */
  value: number | null;
  low: number | null;
  high: number | null;
  /** Small groups are drawn hatched: their estimate is uncertain. */
  small: boolean;
  selected: boolean;
  /** Tooltip text. */
  title: string;
}

export interface BarChartOptions {
  /** Fixed domain (rates: [0, 1]); otherwise from 0 to the largest value. */
  domain: [number, number] | null;
  /** Dashed reference line, e.g. the overall value. */
  reference: number | null;
  tickFormat: (value: number) => string;
  axisLabel: string;
}

export const BAR_HEIGHT = 26;
const WIDTH = 640;
const MARGIN = { top: 10, right: 24, bottom: 42, left: 210 };
let chartCount = 0;

/** Height in pixels of a chart with `count` bars. */
export function chartHeight(count: number): number {
  return MARGIN.top + MARGIN.bottom + Math.max(count, 1) * BAR_HEIGHT;
}

/** Redraw `svg` from scratch with `bars`. Clicks are handled by the caller (data-key). */
export function drawBarChart(svg: SVGSVGElement, bars: readonly Bar[], options: BarChartOptions): void {
  const height = chartHeight(bars.length);
  const root = select(svg)
    .attr("viewBox", `0 0 ${WIDTH} ${height}`)
    .attr("width", "100%")
    .attr("height", height)
    .attr("role", "img")
    .attr("aria-label", options.axisLabel);
  root.selectAll("*").remove();

  const largest = Math.max(0, ...bars.map((bar) => bar.high ?? bar.value ?? 0));
  const domain = options.domain ?? [0, largest > 0 ? largest : 1];
  const x = scaleLinear()
    .domain(domain)
    .range([MARGIN.left, WIDTH - MARGIN.right])
    .nice();
  const y = scaleBand<string>()
    .domain(bars.map((bar) => bar.key))
    .range([MARGIN.top, height - MARGIN.bottom])
    .padding(0.2);

  // Pattern ids are page-global: each chart gets its own, so hiding one view of the
  // widget never takes the hatching away from another.
  svg.dataset["hatchId"] ??= `fw-hatch-${++chartCount}`;
  const hatchId = svg.dataset["hatchId"];
  const defs = root.append("defs");
  defs
    .append("pattern")
    .attr("id", hatchId)
    .attr("patternUnits", "userSpaceOnUse")
    .attr("width", 6)
    .attr("height", 6)
    .attr("patternTransform", "rotate(45)")
    .append("rect")
    .attr("width", 2)
    .attr("height", 6)
    .attr("class", "fw-hatch-stroke");

  root
    .append("g")
    .attr("class", "fw-axis fw-axis-x")
    .attr("transform", `translate(0,${height - MARGIN.bottom})`)
    .call(
      axisBottom(x)
        .ticks(6)
        .tickFormat((value) => options.tickFormat(Number(value))),
    );
  root
    .append("g")
    .attr("class", "fw-axis fw-axis-y")
    .attr("transform", `translate(${MARGIN.left},0)`)
    .call(axisLeft(y).tickFormat((key) => bars.find((bar) => bar.key === key)?.label ?? key));
  root
    .append("text")
    .attr("class", "fw-axis-label")
    .attr("x", (MARGIN.left + WIDTH - MARGIN.right) / 2)
    .attr("y", height - 6)
    .attr("text-anchor", "middle")
    .text(options.axisLabel);

  const band = y.bandwidth();
  const rows = root
    .append("g")
    .attr("class", "fw-bars")
    .selectAll("g")
    .data(bars)
    .join("g")
    .attr("class", (bar) => `fw-bar${bar.selected ? " fw-selected" : ""}${bar.small ? " fw-small" : ""}`)
    .attr("data-key", (bar) => bar.key)
    .attr("transform", (bar) => `translate(0,${y(bar.key) ?? 0})`);
  rows.append("title").text((bar) => bar.title);
  rows
    .append("rect")
    .attr("class", "fw-bar-rect")
    .attr("x", x(domain[0]))
    .attr("height", band)
    .attr("width", (bar) => (bar.value === null ? 0 : Math.max(0, x(bar.value) - x(domain[0]))));
  rows
    .filter((bar) => bar.small && bar.value !== null)
    .append("rect")
    .attr("class", "fw-bar-hatch")
    .attr("x", x(domain[0]))
    .attr("height", band)
    .attr("width", (bar) => Math.max(0, x(bar.value ?? 0) - x(domain[0])))
    .attr("fill", `url(#${hatchId})`);
  rows
    .filter((bar) => bar.low !== null && bar.high !== null)
    .append("line")
    .attr("class", "fw-whisker")
    .attr("x1", (bar) => x(bar.low ?? 0))
    .attr("x2", (bar) => x(bar.high ?? 0))
    .attr("y1", band / 2)
    .attr("y2", band / 2);
  rows
    .filter((bar) => bar.value === null)
    .append("text")
    .attr("class", "fw-undefined")
    .attr("x", x(domain[0]) + 4)
    .attr("y", band / 2)
    .attr("dy", "0.35em")
    .text("undefined (no one to measure)");

  if (options.reference !== null && Number.isFinite(options.reference)) {
    root
      .append("line")
      .attr("class", "fw-reference")
      .attr("x1", x(options.reference))
      .attr("x2", x(options.reference))
      .attr("y1", MARGIN.top)
      .attr("y2", height - MARGIN.bottom);
  }
}
