/**
 * ModelCardEditor: the card's human-written fields (text areas with a Markdown preview for
 * long-form fields, number boxes, check boxes, drop-downs and name/value tables), how
 * complete the card is for a profile, and whether the last save held (or why Python
 * refused the last edit). A value that is not valid (a number
 * box holding "abc") shows a message naming the field, is not sent, and stays as typed.
 */
import type { RenderProps } from "@anywidget/types";
import { debounce, type Debounced } from "../shared/debounce";
import { Listeners } from "../shared/listeners";
import { element, fieldEditor, showError, type FieldEditor } from "./fields";
import type { CardEditorModel, CardSection } from "./model";
import "./card_editor.css";

/** A field's text is written to the model this long after the last key (and at once on blur). */
export const EDIT_DELAY_MS = 400;

function shape(sections: CardSection[]): string {
  return JSON.stringify(sections.map((s) => [s.key, s.title, s.fields.map((f) => [f.path, f.label, f.kind])]));
}

function render({ model, el }: RenderProps<CardEditorModel>): () => void {
  const listeners = new Listeners();
  const root = element("div", "fw-card-editor");
  const title = element("h3", "fw-title");
  title.textContent = "Model card";

  const meter = element("div", "fw-completeness");
  meter.setAttribute("role", "meter");
  meter.setAttribute("aria-valuemin", "0");
  meter.setAttribute("aria-valuemax", "100");
  const meterBar = element("div", "fw-completeness-bar");
  const meterFill = element("div", "fw-completeness-fill");
  meterBar.append(meterFill);
  const meterText = element("span", "fw-completeness-text");
  meter.append(meterBar, meterText);
  const missingList = element("ul", "fw-missing");

  const status = element("p", "fw-save-status");
  status.setAttribute("role", "status");
  const form = element("div", "fw-sections");
  root.append(title, meter, missingList, status, form);
  el.append(root);

  const editors = new Map<string, FieldEditor>();
  const writes = new Map<string, Debounced>();
  const invalid = new Set<string>();
  let builtShape = "";

  const write = (path: string): Debounced => {
    let pending = writes.get(path);
    if (pending === undefined) {
      pending = debounce(() => {
        const reading = editors.get(path)?.read();
        if (reading?.ok === true) {
          model.set("edit", { path, value: reading.value });
          model.save_changes();
        }
      }, EDIT_DELAY_MS);
      writes.set(path, pending);
    }
    return pending;
  };

  /** Check what the user entered: a valid value is written (after a pause), an invalid one is not. */
  const entered = (editor: FieldEditor): void => {
    editor.typed();
    const reading = editor.read();
    showError(editor, reading.ok ? null : reading.error);
    if (!reading.ok) {
      invalid.add(editor.path);
      writes.get(editor.path)?.cancel();
      return;
    }
    invalid.delete(editor.path);
    const pending = write(editor.path);
    pending.call();
    if (editor.immediate) {
      pending.flush();
    }
  };

  const showSections = (): void => {
    const sections = model.get("sections");
    const next = shape(sections);
    if (next !== builtShape) {
      builtShape = next;
      for (const pending of writes.values()) {
        pending.flush();
      }
      editors.clear();
      invalid.clear();
      form.replaceChildren(
        ...sections.map((section) => {
          const part = element("section", "fw-section");
          part.dataset.section = section.key;
          const heading = element("h4", "fw-section-title");
          heading.textContent = section.title;
          part.append(heading);
          for (const field of section.fields) {
            const editor = fieldEditor(field);
            editors.set(field.path, editor);
            part.append(editor.block);
          }
          return part;
        }),
      );
      return;
    }
    // Same fields: take Python's value, except where the user is typing or left a value
    // that is not valid (their text wins, so nothing they typed is lost).
    for (const field of sections.flatMap((section) => section.fields)) {
      const editor = editors.get(field.path);
      if (editor === undefined || invalid.has(field.path)) {
        continue;
      }
      if (editor.block.contains(document.activeElement) || writes.get(field.path)?.pending === true) {
        continue;
      }
      editor.show(field.value);
    }
  };

  const showCompleteness = (): void => {
    const value = Math.min(1, Math.max(0, model.get("completeness")));
    const percent = Math.round(value * 100);
    meter.dataset.value = String(value);
    meter.setAttribute("aria-valuenow", String(percent));
    meterFill.style.width = `${percent}%`;
    const missing = model.get("missing");
    meterText.textContent = `${percent}% complete for the ${model.get("profile")} profile${
      missing.length ? `; ${missing.length} missing` : ""
    }`;
    missingList.replaceChildren(
      ...missing.map((item) => {
        const li = element("li", "fw-missing-item");
        li.dataset.missing = item.field;
        const name = element("code", "fw-missing-field");
        name.textContent = item.field;
        const why = element("span", "fw-missing-why");
        why.textContent = ` (${item.requirement}): ${item.why}`;
        li.append(name, why);
        return li;
      }),
    );
  };

  const showStatus = (): void => {
    const current = model.get("status");
    const refused = current.refused ?? "";
    status.dataset.conflict = String(current.conflict);
    status.dataset.refused = String(refused !== "");
    status.textContent = current.conflict
      ? current.message
      : refused
        ? `Not saved: ${refused}`
        : current.saved_at
          ? `Saved at ${current.saved_at}`
          : current.message || "No edits yet.";
  };

  /** The field an event happened in. */
  const editorOf = (event: Event): FieldEditor | null => {
    const target = event.target;
    const owner = target instanceof Element ? target.closest("[data-path]") : null;
    const path = owner instanceof HTMLElement ? owner.dataset.path : undefined;
    return path === undefined ? null : (editors.get(path) ?? null);
  };
  listeners.dom(root, "input", (event) => {
    const editor = editorOf(event);
    if (editor !== null && !editor.immediate) {
      entered(editor);
    }
  });
  listeners.dom(root, "change", (event) => {
    const editor = editorOf(event);
    if (editor !== null && editor.immediate) {
      entered(editor);
    }
  });
  listeners.dom(root, "click", (event) => {
    const editor = editorOf(event);
    if (editor !== null && event.target instanceof Element && editor.click(event.target)) {
      entered(editor);
    }
  });
  listeners.dom(root, "focusout", (event) => {
    const editor = editorOf(event);
    if (editor !== null) {
      write(editor.path).flush();
    }
  });

  listeners.model(model, "change:sections", showSections);
  for (const trait of ["completeness", "missing", "profile"] as const) {
    listeners.model(model, `change:${trait}`, showCompleteness);
  }
  listeners.model(model, "change:status", showStatus);

  showSections();
  showCompleteness();
  showStatus();

  return () => {
    // Typing done just before the view goes away is not lost.
    for (const pending of writes.values()) {
      pending.flush();
    }
    listeners.dispose();
    root.remove();
  };
}

export default { render };
