/**
 * The metric over a two-feature cross: one cell (`rect[data-row][data-col]`) per pair of levels,
 * coloured on a diverging scale centred on the reference value; small cells dimmed and hatched.
 */
import { dataValue, formatDifference, formatValue } from "../shared/format";
import { svgElement } from "../shared/svg";
import type { Heatmap } from "./model";
import { SMALL_SLICE } from "./text";

export interface HeatmapOptions {
  metricLabel: string;
  isRate: boolean;
  /** The id of the order-2 slice of a cell, when the list has it (the cell then selects it). */
  sliceAt: (row: string, col: string) => string | undefined;
  selected: string;
}

/** Purple below the reference, orange above: neither reads as "good", as the direction depends on the metric. */
export const LOW_COLOUR = "#5e3c99";
export const MIDDLE_COLOUR = "#f7f7f7";
export const HIGH_COLOUR = "#e66101";

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);
type Rgb = [number, number, number];
const rgb = (hex: string): Rgb => [1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16)) as Rgb;
const STOPS: [Rgb, Rgb, Rgb] = [rgb(LOW_COLOUR), rgb(MIDDLE_COLOUR), rgb(HIGH_COLOUR)];

/** The colour of `value` on a scale from `centre - spread` (purple) to `centre + spread` (orange). */
export function divergingColour(value: number, centre: number, spread: number): string {
  const t = clamp((value - centre) / spread, -1, 1);
  const [low, middle, high] = STOPS;
  const end = t < 0 ? low : high;
  const mix = middle.map((channel, index) => Math.round(channel + ((end[index] ?? channel) - channel) * Math.abs(t)));
  return `rgb(${mix.join(", ")})`;
}

const MAX_WIDTH = 720;
const CELL_HEIGHT = 28;
const LEGEND_HEIGHT = 40;
const CHAR_WIDTH = 6.5;
let chartCount = 0;

const textWidth = (labels: readonly string[]): number =>
  Math.max(0, ...labels.map((label) => label.length)) * CHAR_WIDTH;

/** A whole heat map from what Python sent: `{}` (nothing to cross) or a message are an empty grid. */
export function normaliseHeatmap(value: Partial<Heatmap> | null | undefined): Heatmap {
  const heatmap: Heatmap = {
    row_feature: value?.row_feature ?? "",
    col_feature: value?.col_feature ?? "",
    rows: value?.rows ?? [],
    cols: value?.cols ?? [],
    values: value?.values ?? [],
    sizes: value?.sizes ?? [],
    rest_value: value?.rest_value ?? null,
  };
  if (value?.message) {
    heatmap.message = value.message;
  }
  return heatmap;
}

/** The centre of the colour scale and its half-width: the reference, or the mean of the cells. */
export function colourDomain(heatmap: Heatmap): [number, number] {
  const values = heatmap.values.flat().filter((value): value is number => value !== null && Number.isFinite(value));
  const centre =
    heatmap.rest_value ?? (values.length > 0 ? values.reduce((sum, value) => sum + value, 0) / values.length : 0);
  const spread = Math.max(0, ...values.map((value) => Math.abs(value - centre)));
  return [centre, spread > 0 ? spread : 1e-9];
}

/** "sex = Female ∧ age = [45, 60)\nAccuracy: 61.2% (reference 80.1%)\nn = 1,234". */
export function describeCell(
  heatmap: Heatmap,
  row: string,
  col: string,
  value: number | null,
  size: number,
  options: Pick<HeatmapOptions, "metricLabel" | "isRate">,
): string {
  const reference =
    heatmap.rest_value === null ? "" : ` (reference ${formatValue(heatmap.rest_value, options.isRate)})`;
  const lines = [
    `${heatmap.row_feature} = ${row} ∧ ${heatmap.col_feature} = ${col}`,
    `${options.metricLabel}: ${formatValue(value, options.isRate)}${value === null ? "" : reference}`,
    `n = ${formatValue(size, false)}`,
  ];
  if (size > 0 && size < SMALL_SLICE) {
    lines.push(`Fewer than ${SMALL_SLICE} people: read with care.`);
  }
  return lines.join("\n");
}

function legendCaption(centre: number, options: HeatmapOptions): string {
  return `${options.metricLabel} below / above ${formatValue(centre, options.isRate)}`;
}

function drawLegend(svg: SVGSVGElement, x: number, centre: number, spread: number, options: HeatmapOptions): void {
  const gradientId = `${svg.dataset["chartId"]}-gradient`;
  const hatchId = `${svg.dataset["chartId"]}-hatch`;
  const defs = svgElement("defs", {}, svg);
  const gradient = svgElement("linearGradient", { id: gradientId }, defs);
  for (const [offset, colour] of [
    ["0%", LOW_COLOUR],
    ["50%", MIDDLE_COLOUR],
    ["100%", HIGH_COLOUR],
  ] as const) {
    svgElement("stop", { offset, "stop-color": colour }, gradient);
  }
  const hatch = svgElement(
    "pattern",
    { id: hatchId, patternUnits: "userSpaceOnUse", width: 6, height: 6, patternTransform: "rotate(45)" },
    defs,
  );
  svgElement("rect", { class: "fw-hatch-stroke", width: 2, height: 6 }, hatch);

  const legend = svgElement("g", { class: "fw-heatmap-legend", transform: `translate(${x},4)` }, svg);
  svgElement(
    "rect",
    { x: 0, y: 0, width: 160, height: 10, fill: `url(#${gradientId})`, class: "fw-legend-bar" },
    legend,
  );
  // The ends as gaps from the centre: "+30.0 pp", never a rate above 100%.
  for (const [position, text, anchor] of [
    [0, formatDifference(-spread, options.isRate), "start"],
    [80, formatValue(centre, options.isRate), "middle"],
    [160, formatDifference(spread, options.isRate), "end"],
  ] as const) {
    svgElement("text", { x: position, y: 24, "text-anchor": anchor }, legend).textContent = text;
  }
  svgElement("text", { x: 172, y: 9 }, legend).textContent = legendCaption(centre, options);
  svgElement("rect", { x: 172, y: 16, width: 12, height: 12, class: "fw-legend-small" }, legend);
  svgElement("rect", { x: 172, y: 16, width: 12, height: 12, fill: `url(#${hatchId})` }, legend);
  svgElement("text", { x: 190, y: 26 }, legend).textContent = `fewer than ${SMALL_SLICE} people`;
}

/** Redraw `svg` from scratch. Cells of a slice in the list carry `data-slice` and are focusable. */
export function drawHeatmap(svg: SVGSVGElement, heatmap: Heatmap, options: HeatmapOptions): void {
  svg.replaceChildren();
  svg.dataset["chartId"] ??= `fw-heatmap-${++chartCount}`;
  const { rows, cols } = heatmap;
  svg.setAttribute("role", "group");
  if (rows.length === 0 || cols.length === 0) {
    svg.setAttribute("viewBox", `0 0 ${MAX_WIDTH} 30`);
    svg.setAttribute("width", String(MAX_WIDTH));
    svg.setAttribute("height", "30");
    const message = heatmap.message ?? "No cross of two features to show.";
    svg.setAttribute("aria-label", message);
    svgElement("text", { x: 0, y: 20, class: "fw-heatmap-empty" }, svg).textContent = message;
    return;
  }
  svg.setAttribute(
    "aria-label",
    `${options.metricLabel} by ${heatmap.row_feature} (rows) and ${heatmap.col_feature} (columns)`,
  );

  const left = clamp(textWidth(rows) + 12, 48, 180);
  const cellWidth = clamp((MAX_WIDTH - left - 10) / cols.length, 30, 80);
  const colLabels = textWidth(cols);
  const rotate = colLabels > cellWidth - 6;
  const top = LEGEND_HEIGHT + 18 + (rotate ? Math.min(colLabels * 0.72 + 8, 110) : 18);
  const [centre, spread] = colourDomain(heatmap);
  // Wide enough for the legend too, whose caption is the longest text.
  const legendWidth = 190 + Math.max(legendCaption(centre, options).length, 26) * CHAR_WIDTH;
  // Rotated labels lean right, past the last column.
  const right = rotate ? Math.min(colLabels * 0.77, 110) : 10;
  const width = Math.max(left + cols.length * cellWidth + right, left + legendWidth);
  const height = top + rows.length * CELL_HEIGHT + 6;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("height", String(height));

  drawLegend(svg, left, centre, spread, options);

  svgElement(
    "text",
    {
      class: "fw-heatmap-axis",
      x: left + (cols.length * cellWidth) / 2,
      y: LEGEND_HEIGHT + 12,
      "text-anchor": "middle",
    },
    svg,
  ).textContent = heatmap.col_feature;
  svgElement("text", { class: "fw-heatmap-axis", x: left - 6, y: top - 6, "text-anchor": "end" }, svg).textContent =
    heatmap.row_feature;
  cols.forEach((col, c) => {
    const x = left + (c + 0.5) * cellWidth;
    const label = svgElement(
      "text",
      rotate
        ? { x: 0, y: 0, transform: `translate(${x},${top - 4}) rotate(-40)`, "text-anchor": "start" }
        : { x, y: top - 6, "text-anchor": "middle" },
      svg,
    );
    label.classList.add("fw-heatmap-col");
    label.textContent = col;
  });

  const hatchId = `${svg.dataset["chartId"]}-hatch`;
  const cells = svgElement("g", { class: "fw-heatmap-cells" }, svg);
  rows.forEach((row, r) => {
    const y = top + r * CELL_HEIGHT;
    const rowLabel = svgElement(
      "text",
      { x: left - 6, y: y + CELL_HEIGHT / 2, dy: "0.35em", "text-anchor": "end" },
      svg,
    );
    rowLabel.classList.add("fw-heatmap-row");
    rowLabel.textContent = row;
    cols.forEach((col, c) => {
      const value = heatmap.values[r]?.[c] ?? null;
      const size = heatmap.sizes[r]?.[c] ?? 0;
      const small = size > 0 && size < SMALL_SLICE;
      const slice = options.sliceAt(row, col);
      const x = left + c * cellWidth;
      const group = svgElement("g", {}, cells);
      group.setAttribute(
        "class",
        [
          "fw-cell",
          value === null ? "fw-empty" : "",
          small ? "fw-small" : "",
          slice === undefined ? "" : "fw-has-slice",
          slice !== undefined && slice === options.selected ? "fw-selected" : "",
        ]
          .filter(Boolean)
          .join(" "),
      );
      const title = describeCell(heatmap, row, col, value, size, options);
      const rect = svgElement(
        "rect",
        {
          x: x + 1,
          y: y + 1,
          width: cellWidth - 2,
          height: CELL_HEIGHT - 2,
          // An empty cell gets its grey from the stylesheet (theme-aware).
          fill: value === null ? "none" : divergingColour(value, centre, spread),
          "data-row": row,
          "data-col": col,
          "data-value": dataValue(value),
          "data-size": size,
          role: "img",
          "aria-label": title.replaceAll("\n", "; "),
        },
        group,
      );
      svgElement("title", {}, rect).textContent = title;
      if (slice !== undefined) {
        rect.dataset["slice"] = slice;
        rect.setAttribute("tabindex", "0");
      }
      if (small) {
        svgElement(
          "rect",
          {
            class: "fw-cell-hatch",
            x: x + 1,
            y: y + 1,
            width: cellWidth - 2,
            height: CELL_HEIGHT - 2,
            fill: `url(#${hatchId})`,
          },
          group,
        );
      }
      if (cellWidth >= 34) {
        const far = value !== null && Math.abs(value - centre) / spread > 0.55;
        const text = svgElement(
          "text",
          { x: x + cellWidth / 2, y: y + CELL_HEIGHT / 2, dy: "0.35em", "text-anchor": "middle" },
          group,
        );
        text.setAttribute("class", far ? "fw-cell-text fw-on-dark" : "fw-cell-text");
        text.textContent = formatValue(value, options.isRate);
      }
    });
  });
}
