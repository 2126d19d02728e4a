/** A table with one row per group and one column per metric. */

export interface TableColumn {
  key: string;
  label: string;
  title: string;
}

export interface TableRow {
  key: string;
  label: string;
  /** `few`: measured on so few people that the value is uncertain. */
  cells: Record<string, { text: string; title: string; few: boolean }>;
  selected: boolean;
  small: boolean;
}

/** Redraw `table` from scratch; rows carry `data-key` for the caller's click handler. */
export function drawGroupTable(
  table: HTMLTableElement,
  columns: readonly TableColumn[],
  rows: readonly TableRow[],
  activeColumn: string,
): void {
  const head = document.createElement("thead");
  const headRow = head.insertRow();
  const corner = document.createElement("th");
  corner.textContent = "Group";
  headRow.append(corner);
  for (const column of columns) {
    const cell = document.createElement("th");
    cell.textContent = column.label;
    cell.title = column.title;
    cell.dataset["metric"] = column.key;
    if (column.key === activeColumn) {
      cell.className = "fw-active";
    }
    headRow.append(cell);
  }
  const body = document.createElement("tbody");
  for (const row of rows) {
    const tableRow = body.insertRow();
    tableRow.dataset["key"] = row.key;
    tableRow.tabIndex = 0;
    tableRow.className = [row.selected ? "fw-selected" : "", row.small ? "fw-small" : ""].join(" ").trim();
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = row.label;
    tableRow.append(name);
    for (const column of columns) {
      const cell = tableRow.insertCell();
      const content = row.cells[column.key];
      cell.textContent = content?.text ?? "";
      cell.title = content?.title ?? "";
      cell.className = [column.key === activeColumn ? "fw-active" : "", content?.few ? "fw-few" : ""].join(" ").trim();
    }
  }
  table.replaceChildren(head, body);
}
