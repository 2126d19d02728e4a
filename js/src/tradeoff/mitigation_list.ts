/** The mitigations as a table under the chart: what the triangles' tooltips say, for keyboards and screen readers. */
import type { Mitigation } from "./model";

export function drawMitigationList(
  details: HTMLDetailsElement,
  mitigations: readonly Mitigation[],
  formatObjective: (value: number) => string,
  formatDisparity: (value: number) => string,
  objectiveLabel: string,
): void {
  details.hidden = mitigations.length === 0;
  const summary = document.createElement("summary");
  summary.textContent = `Other methods on the chart (${mitigations.length})`;
  const table = document.createElement("table");
  table.className = "fw-mitigation-table";
  const headRow = table.createTHead().insertRow();
  for (const text of ["Label", "Method", "Parameters", objectiveLabel, "Disparity"]) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.textContent = text;
    headRow.append(cell);
  }
  const body = table.createTBody();
  mitigations.forEach((item, index) => {
    const row = body.insertRow();
    row.dataset["mitigation"] = String(index);
    for (const text of [
      item.label,
      item.method,
      item.params,
      formatObjective(item.objective),
      formatDisparity(item.disparity),
    ]) {
      row.insertCell().textContent = text;
    }
  });
  details.replaceChildren(summary, table);
}
