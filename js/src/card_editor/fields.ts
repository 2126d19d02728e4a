/**
 * One input per card field, by kind: text areas (Markdown ones with a preview), number
 * boxes, check boxes, drop-downs and name/value tables. Each reads what the user entered as the value
 * to write, or as a message naming the field when it is not valid (then nothing is sent
 * and the typed text stays as it is).
 */
import { renderMarkdown } from "./markdown";
import type { CardField, ChoiceField, FieldValue, KeyValueField, KeyValueRows, NumberField } from "./model";

export type Reading = { ok: true; value: FieldValue } | { ok: false; error: string };

export interface FieldEditor {
  readonly path: string;
  readonly block: HTMLElement;
  /** What to write, or why it cannot be written. */
  read(): Reading;
  /** Take Python's value (the caller skips this while the user is editing the field). */
  show(value: FieldValue): void;
  /** React to a keystroke before it is written (the Markdown preview follows the text). */
  typed(): void;
  /** Handle a click on one of the field's buttons; true when the value changed. */
  click(target: Element): boolean;
  /** A check box writes at once; text waits for a pause in typing. */
  readonly immediate: boolean;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A number box's text as a number (empty: `null`), or a message naming the field. */
export function parseNumber(text: string, field: Pick<NumberField, "label" | "kind" | "min">): Reading {
  const trimmed = text.trim();
  if (trimmed === "") {
    return { ok: true, value: null };
  }
  const integer = field.kind === "integer";
  const what = integer ? "a whole number, e.g. 2048" : "a number, e.g. 12.5";
  const value = NUMBER.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    return { ok: false, error: `${field.label} must be ${what}; got "${trimmed}". It was not saved.` };
  }
  if (field.min !== undefined && value < field.min) {
    return { ok: false, error: `${field.label} must be ${field.min} or more; got ${trimmed}. It was not saved.` };
  }
  return { ok: true, value };
}

/** Name/value rows to write (blank rows dropped), or a message naming the field. */
export function checkRows(label: string, rows: KeyValueRows): Reading {
  const kept: KeyValueRows = [];
  const seen = new Set<string>();
  for (const [rawKey, rawValue] of rows) {
    const key = rawKey.trim();
    const value = rawValue.trim();
    if (key === "" && value === "") {
      continue;
    }
    if (key === "") {
      return { ok: false, error: `${label}: the value "${value}" has no name; give it one. It was not saved.` };
    }
    if (seen.has(key)) {
      return { ok: false, error: `${label}: the name "${key}" appears twice; names must differ. It was not saved.` };
    }
    seen.add(key);
    kept.push([key, value]);
  }
  return { ok: true, value: kept };
}

function labelled(field: CardField, control: HTMLElement): HTMLElement {
  const block = element("div", "fw-field");
  block.dataset.kind = field.kind;
  const id = `fw-card-${Math.random().toString(36).slice(2)}-${field.path}`;
  const label = element("label", "fw-field-label");
  label.htmlFor = id;
  label.textContent = field.label;
  control.id = id;
  block.append(label, control);
  return block;
}

function textEditor(field: CardField & { kind: "text" | "markdown" }): FieldEditor {
  const area = element("textarea", "fw-field-input");
  area.dataset.path = field.path;
  area.rows = field.kind === "markdown" ? 4 : 2;
  area.value = field.value;
  const block = labelled(field, area);
  let preview: HTMLElement | null = null;
  if (field.kind === "markdown") {
    preview = element("div", "fw-preview");
    preview.dataset.path = field.path;
    preview.setAttribute("aria-label", `${field.label}, preview`);
    block.append(preview);
  }
  const showPreview = (): void => {
    preview?.replaceChildren(renderMarkdown(area.value));
  };
  showPreview();
  return {
    path: field.path,
    block,
    immediate: false,
    read: () => ({ ok: true, value: area.value }),
    show(value) {
      if (typeof value === "string" && value !== area.value) {
        area.value = value;
        showPreview();
      }
    },
    typed: showPreview,
    click: () => false,
  };
}

function numberText(value: FieldValue): string {
  return typeof value === "number" ? String(value) : "";
}

function numberEditor(field: NumberField): FieldEditor {
  // A text box, not type="number": the browser would hide what was typed when it is not a
  // number, and the message must be able to quote it.
  const input = element("input", "fw-field-input fw-number");
  input.type = "text";
  input.inputMode = field.kind === "integer" ? "numeric" : "decimal";
  input.dataset.path = field.path;
  input.value = numberText(field.value);
  return {
    path: field.path,
    block: labelled(field, input),
    immediate: false,
    read: () => parseNumber(input.value, field),
    show(value) {
      const parsed = parseNumber(input.value, field);
      if (!parsed.ok || parsed.value !== value) {
        input.value = numberText(value);
      }
    },
    typed: () => undefined,
    click: () => false,
  };
}

function checkboxEditor(field: CardField & { kind: "checkbox" }): FieldEditor {
  const box = element("input", "fw-checkbox");
  box.type = "checkbox";
  box.dataset.path = field.path;
  const show = (value: FieldValue): void => {
    box.checked = value === true;
    box.indeterminate = value === null; // not said yet: neither yes nor no
  };
  show(field.value);
  return {
    path: field.path,
    block: labelled(field, box),
    immediate: true,
    read: () => ({ ok: true, value: box.checked }),
    show,
    typed: () => undefined,
    click: () => false,
  };
}

function choiceEditor(field: ChoiceField): FieldEditor {
  const select = element("select", "fw-field-input fw-choice");
  select.dataset.path = field.path;
  const show = (value: FieldValue): void => {
    if (typeof value !== "string") {
      return;
    }
    const values = field.options.includes(value) ? field.options : [value, ...field.options];
    select.replaceChildren(
      ...values.map((text) => {
        const option = document.createElement("option");
        option.value = text;
        option.textContent = text;
        return option;
      }),
    );
    select.value = value;
  };
  show(field.value);
  return {
    path: field.path,
    block: labelled(field, select),
    immediate: true,
    read: () =>
      field.options.includes(select.value)
        ? { ok: true, value: select.value }
        : { ok: false, error: `${field.label} must be one of ${field.options.join(", ")}; it was not saved.` },
    show,
    typed: () => undefined,
    click: () => false,
  };
}

function keyValueEditor(field: KeyValueField): FieldEditor {
  const table = element("div", "fw-keyvalue");
  table.dataset.path = field.path;
  table.setAttribute("role", "group");
  table.setAttribute("aria-label", field.label);
  const rows = element("div", "fw-kv-rows");
  const add = element("button", "fw-kv-add");
  add.type = "button";
  add.textContent = "Add a row";
  table.append(rows, add);

  const row = (key: string, value: string): HTMLElement => {
    const line = element("div", "fw-kv-row");
    const name = element("input", "fw-kv-key");
    name.type = "text";
    name.value = key;
    name.setAttribute("aria-label", `${field.label}: name`);
    const text = element("input", "fw-kv-value");
    text.type = "text";
    text.value = value;
    text.setAttribute("aria-label", `${field.label}: value`);
    const remove = element("button", "fw-kv-remove");
    remove.type = "button";
    remove.textContent = "Remove";
    remove.setAttribute("aria-label", `Remove this row of ${field.label}`);
    line.append(name, text, remove);
    return line;
  };
  const entered = (): KeyValueRows =>
    [...rows.querySelectorAll(".fw-kv-row")].map((line) => [
      line.querySelector<HTMLInputElement>(".fw-kv-key")?.value ?? "",
      line.querySelector<HTMLInputElement>(".fw-kv-value")?.value ?? "",
    ]);
  const show = (value: FieldValue): void => {
    if (!Array.isArray(value)) {
      return;
    }
    const same = checkRows(field.label, entered());
    if (same.ok && JSON.stringify(same.value) === JSON.stringify(value)) {
      return; // blank rows the user added stay until they fill or remove them
    }
    rows.replaceChildren(...value.map(([key, text]) => row(key, text)));
  };
  show(field.value);
  return {
    path: field.path,
    block: labelled(field, table),
    immediate: false,
    read: () => checkRows(field.label, entered()),
    show,
    typed: () => undefined,
    click(target) {
      if (target === add) {
        const line = row("", "");
        rows.append(line);
        line.querySelector<HTMLInputElement>(".fw-kv-key")?.focus();
        return false; // an empty row changes nothing yet
      }
      const line = target.closest(".fw-kv-row");
      if (target.classList.contains("fw-kv-remove") && line !== null && rows.contains(line)) {
        line.remove();
        return true;
      }
      return false;
    },
  };
}

/** The input for `field`, with a place for its message when what was entered is not valid. */
export function fieldEditor(field: CardField): FieldEditor {
  let editor: FieldEditor;
  switch (field.kind) {
    case "number":
    case "integer":
      editor = numberEditor(field);
      break;
    case "checkbox":
      editor = checkboxEditor(field);
      break;
    case "keyvalue":
      editor = keyValueEditor(field);
      break;
    case "choice":
      editor = choiceEditor(field);
      break;
    default:
      editor = textEditor(field);
  }
  const message = element("p", "fw-field-error");
  message.dataset.path = field.path;
  message.setAttribute("role", "alert");
  message.hidden = true;
  editor.block.append(message);
  return editor;
}

/** Show or clear the field's message; an invalid field is marked for assistive technology. */
export function showError(editor: FieldEditor, error: string | null): void {
  const message = editor.block.querySelector<HTMLElement>(".fw-field-error");
  if (message !== null) {
    message.textContent = error ?? "";
    message.hidden = error === null;
  }
  editor.block.dataset.invalid = String(error !== null);
  for (const input of editor.block.querySelectorAll("input, textarea, select")) {
    if (error === null) {
      input.removeAttribute("aria-invalid");
    } else {
      input.setAttribute("aria-invalid", "true");
    }
  }
}
