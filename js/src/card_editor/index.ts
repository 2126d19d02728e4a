/**
 * ModelCardEditor: the card's human-written fields as text areas, a Markdown preview for
 * long-form fields, how complete the card is for a profile, and whether the last save held.
 */
import type { RenderProps } from "@anywidget/types";
import { debounce, type Debounced } from "../shared/debounce";
import { Listeners } from "../shared/listeners";
import { renderMarkdown } from "./markdown";
import type { CardEditorModel, CardField, CardSection } from "./model";
import "./card_editor.css";

/** A field's text is written to the model this long after the last key (and at once on blur). */
export const EDIT_DELAY_MS = 400;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  return node;
}

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

  const areas = new Map<string, HTMLTextAreaElement>();
  const previews = new Map<string, HTMLElement>();
  const writes = new Map<string, Debounced>();
  let builtShape = "";

  const write = (path: string): Debounced => {
    let pending = writes.get(path);
    if (pending === undefined) {
      pending = debounce(() => {
        const area = areas.get(path);
        if (area !== undefined) {
          model.set("edit", { path, value: area.value });
          model.save_changes();
        }
      }, EDIT_DELAY_MS);
      writes.set(path, pending);
    }
    return pending;
  };

  const showPreview = (path: string, text: string): void => {
    previews.get(path)?.replaceChildren(renderMarkdown(text));
  };

  const fieldBlock = (field: CardField): HTMLElement => {
    const block = element("div", "fw-field");
    block.dataset.kind = field.kind;
    const id = `fw-card-${Math.random().toString(36).slice(2)}-${field.path}`;
    const label = element("label", "fw-field-label");
    label.htmlFor = id;
    label.textContent = field.label;
    const area = element("textarea", "fw-field-input");
    area.id = id;
    area.dataset.path = field.path;
    area.rows = field.kind === "markdown" ? 4 : 2;
    area.value = field.value;
    areas.set(field.path, area);
    block.append(label, area);
    if (field.kind === "markdown") {
      const preview = element("div", "fw-preview");
      preview.dataset.path = field.path;
      preview.setAttribute("aria-label", `${field.label}, preview`);
      previews.set(field.path, preview);
      block.append(preview);
      showPreview(field.path, field.value);
    }
    return block;
  };

  const showSections = (): void => {
    const sections = model.get("sections");
    const next = shape(sections);
    if (next !== builtShape) {
      builtShape = next;
      for (const pending of writes.values()) {
        pending.flush();
      }
      areas.clear();
      previews.clear();
      form.replaceChildren(
        ...sections.map((section) => {
          const part = element("section", "fw-section");
          part.dataset.section = section.key;
          const heading = element("h4", "fw-section-title");
          heading.textContent = section.title;
          part.append(heading, ...section.fields.map(fieldBlock));
          return part;
        }),
      );
      return;
    }
    // Same fields: take Python's text, except where the user is typing (their text wins).
    for (const field of sections.flatMap((section) => section.fields)) {
      const area = areas.get(field.path);
      if (area === undefined || area.value === field.value) {
        continue;
      }
      if (document.activeElement === area || writes.get(field.path)?.pending === true) {
        continue;
      }
      area.value = field.value;
      showPreview(field.path, field.value);
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
    status.dataset.conflict = String(current.conflict);
    status.textContent = current.conflict
      ? current.message
      : current.saved_at
        ? `Saved at ${current.saved_at}`
        : current.message || "No edits yet.";
  };

  const pathOf = (event: Event): string | null => {
    const target = event.target;
    return target instanceof HTMLTextAreaElement && target.dataset.path !== undefined ? target.dataset.path : null;
  };
  listeners.dom(root, "input", (event) => {
    const path = pathOf(event);
    if (path !== null) {
      showPreview(path, areas.get(path)?.value ?? "");
      write(path).call();
    }
  });
  listeners.dom(root, "focusout", (event) => {
    const path = pathOf(event);
    if (path !== null) {
      write(path).flush();
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
