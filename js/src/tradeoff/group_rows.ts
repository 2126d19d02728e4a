/**
 * The per-group table: a threshold slider, the threshold (or the mix of two), the expected
 * confusion counts and the rates of each group. Built once per `groups`; a slider move
 * updates one row's cells in place.
 */
import { formatValue } from "../shared/format";
import { mainIndex, RATE_NAMES, type Counts, type RateName, type Rates } from "./counts";
import type { Choice, GroupPoints } from "./model";
import { dataValue, formatCount, formatMix, formatThreshold } from "./text";

const RATE_COLUMNS: Record<RateName, { label: string; title: string }> = {
  selection_rate: { label: "Selected", title: "Share of the group predicted positive: (TP + FP) / n" },
  true_positive_rate: {
    label: "TPR",
    title: "True positive rate: of the actual positives, the share predicted positive",
  },
  false_positive_rate: {
    label: "FPR",
    title: "False positive rate: of the actual negatives, the share predicted positive",
  },
  precision: { label: "Precision", title: "Of those predicted positive, the share actually positive: TP / (TP + FP)" },
  accuracy: { label: "Accuracy", title: "Share of the group classified correctly: (TP + TN) / n" },
};

const COUNTS = [
  ["tp", "true positives"],
  ["fn", "false negatives"],
  ["fp", "false positives"],
  ["tn", "true negatives"],
] as const;
type CountName = (typeof COUNTS)[number][0];

/** The cells of one row that change when its selection changes. */
export interface GroupRow {
  slider: HTMLInputElement;
  threshold: HTMLElement;
  mix: HTMLElement;
  counts: Record<CountName, HTMLElement>;
  rates: Record<RateName, HTMLElement>;
}

function headCell(text: string, title = ""): HTMLTableCellElement {
  const cell = document.createElement("th");
  cell.scope = "col";
  cell.textContent = text;
  cell.title = title;
  return cell;
}

function confusion(groupName: string): { table: HTMLTableElement; cells: Record<CountName, HTMLElement> } {
  const table = document.createElement("table");
  table.className = "fw-confusion";
  table.setAttribute("aria-label", `Expected confusion counts of ${groupName}`);
  const cells = {} as Record<CountName, HTMLElement>;
  const body = table.createTBody();
  for (const pair of [COUNTS.slice(0, 2), COUNTS.slice(2)]) {
    const row = body.insertRow();
    for (const [name, title] of pair) {
      const cell = row.insertCell();
      cell.dataset["count"] = name;
      cell.title = `Expected ${title}`;
      cells[name] = cell;
    }
  }
  return { table, cells };
}

/** Build the head and one row per group (`tr[data-group]`); returns each row's live cells. */
export function buildGroupTable(table: HTMLTableElement, groups: readonly GroupPoints[]): GroupRow[] {
  const head = table.createTHead();
  head.replaceChildren();
  const headRow = head.insertRow();
  headRow.append(
    headCell("Group"),
    headCell("Threshold", "Move right to lower the threshold: more of the group predicted positive"),
    headCell("Score ≥", "Predict positive when the score is at least this; none: no one"),
    headCell("Expected counts", "TP FN / FP TN: true positives, false negatives / false positives, true negatives"),
  );
  for (const name of RATE_NAMES) {
    const cell = headCell(RATE_COLUMNS[name].label, RATE_COLUMNS[name].title);
    cell.dataset["column"] = name;
    headRow.append(cell);
  }
  const body = document.createElement("tbody");
  const rows = groups.map((group, index) => {
    const row = body.insertRow();
    row.dataset["group"] = group.name;
    const name = document.createElement("th");
    name.scope = "row";
    const label = document.createElement("span");
    label.className = "fw-group-name";
    label.textContent = group.name;
    const size = document.createElement("span");
    size.className = "fw-group-size";
    size.dataset["value"] = String(group.size);
    size.textContent = `n = ${formatValue(group.size, false)}`;
    name.append(label, size);
    row.append(name);

    const slider = document.createElement("input");
    slider.type = "range";
    slider.className = "fw-slider";
    slider.min = "0";
    slider.max = String(Math.max(0, group.thresholds.length - 1));
    slider.step = "1";
    slider.dataset["group"] = group.name;
    slider.dataset["index"] = String(index);
    slider.setAttribute("aria-label", `threshold for ${group.name}`);
    row.insertCell().append(slider);

    const thresholdCell = row.insertCell();
    thresholdCell.className = "fw-threshold-cell";
    const threshold = document.createElement("span");
    threshold.className = "fw-threshold";
    const mix = document.createElement("span");
    mix.className = "fw-mix";
    thresholdCell.append(threshold, mix);

    const { table: matrix, cells: counts } = confusion(group.name);
    const countsCell = row.insertCell();
    countsCell.className = "fw-counts-cell";
    countsCell.append(matrix);

    const rates = {} as Record<RateName, HTMLElement>;
    for (const rate of RATE_NAMES) {
      const cell = row.insertCell();
      cell.className = "fw-rate";
      cell.dataset["rate"] = rate;
      rates[rate] = cell;
    }
    return { slider, threshold, mix, counts, rates };
  });
  for (const old of Array.from(table.tBodies)) {
    old.remove();
  }
  table.append(body);
  return rows;
}

/** Mark the columns of the rates the constraint equalises. */
export function markConstrained(table: HTMLTableElement, rateNames: readonly string[]): void {
  for (const cell of table.querySelectorAll<HTMLElement>("[data-column], [data-rate]")) {
    const name = cell.dataset["column"] ?? cell.dataset["rate"] ?? "";
    cell.classList.toggle("fw-constrained", rateNames.includes(name));
  }
}

function show(cell: HTMLElement, value: number | null, text: string): void {
  cell.dataset["value"] = dataValue(value);
  cell.textContent = text;
}

/** Write one group's selection into its row (slider position included). */
export function updateGroupRow(
  row: GroupRow,
  group: GroupPoints,
  choice: Readonly<Choice>,
  counts: Counts,
  rates: Rates,
): void {
  const index = mainIndex(choice);
  if (row.slider.value !== String(index)) {
    row.slider.value = String(index);
  }
  const threshold = group.thresholds[index] ?? null;
  const text = formatThreshold(threshold);
  show(row.threshold, threshold, text);
  row.slider.setAttribute(
    "aria-valuetext",
    threshold === null ? "no one predicted positive" : `score at least ${text}`,
  );
  const mix = formatMix(group, choice);
  row.mix.textContent = mix;
  row.mix.hidden = mix === "";
  for (const [name] of COUNTS) {
    show(row.counts[name], counts[name], formatCount(counts[name]));
  }
  for (const name of RATE_NAMES) {
    show(row.rates[name], rates[name], formatValue(rates[name], true));
  }
}
