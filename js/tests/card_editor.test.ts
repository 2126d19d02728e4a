import { afterEach, describe, expect, it, vi } from "vitest";
import cardEditor, { EDIT_DELAY_MS } from "../src/card_editor/index";
import { markdownToHtml, renderMarkdown } from "../src/card_editor/markdown";
import type { CardEditorModel } from "../src/card_editor/model";
import { query } from "./dom_events";
import { recordDomListeners } from "./dom_listeners";
import { FakeModel } from "./fake_model";
import { mountView, unmountAll } from "./mount";

afterEach(() => {
  unmountAll();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const HOSTILE = "<img src=x onerror=alert(1)> and <script>alert(2)</script>";

function state(overrides: Partial<CardEditorModel> = {}): CardEditorModel {
  return {
    sections: [
      {
        key: "model_details",
        title: "Model details",
        fields: [
          { path: "model_details.summary", label: "Summary", kind: "text", value: "", source: "human" },
          {
            path: "model_details.description",
            label: "Description",
            kind: "markdown",
            value: "Uses **gradient boosting**.",
            source: "human",
          },
        ],
      },
    ],
    profile: "minimal",
    missing: [{ field: "model_details.summary", requirement: "Mitchell 1", why: "one sentence on what it does" }],
    completeness: 0.25,
    edit: {},
    status: { saved_at: "", message: "", conflict: false },
    ...overrides,
  };
}

function mount(overrides: Partial<CardEditorModel> = {}) {
  return mountView(cardEditor.render, new FakeModel(state(overrides)));
}

function type(area: HTMLTextAreaElement, text: string): void {
  area.value = text;
  area.dispatchEvent(new Event("input", { bubbles: true }));
}

function expectInert(root: Element): void {
  expect(root.querySelector("script")).toBeNull();
  expect(root.querySelector("img")).toBeNull();
  for (const node of root.querySelectorAll("*")) {
    for (const attribute of node.getAttributeNames()) {
      expect(attribute.toLowerCase().startsWith("on")).toBe(false);
    }
  }
}

describe("ModelCardEditor render", () => {
  it("renders one root with a text area per field, a preview per markdown field, the meter and status", () => {
    const { el } = mount();

    expect(el.children).toHaveLength(1);
    const root = query(el, ".fw-card-editor");
    expect(query<HTMLTextAreaElement>(root, 'textarea[data-path="model_details.summary"]').value).toBe("");
    expect(root.querySelectorAll(".fw-preview[data-path]")).toHaveLength(1);
    expect(query(root, '.fw-preview[data-path="model_details.description"] strong').textContent).toBe(
      "gradient boosting",
    );
    expect(query(root, ".fw-completeness").dataset.value).toBe("0.25");
    expect(query(root, 'li[data-missing="model_details.summary"]').textContent).toContain(
      "one sentence on what it does",
    );
    expect(query(root, ".fw-save-status").dataset.conflict).toBe("false");
  });

  it("writes edit once typing pauses, and at once on blur", () => {
    vi.useFakeTimers();
    const { el, model } = mount();
    const area = query<HTMLTextAreaElement>(el, 'textarea[data-path="model_details.summary"]');

    type(area, "Ranks");
    type(area, "Ranks credit applications.");
    vi.advanceTimersByTime(EDIT_DELAY_MS - 1);
    expect(model.sets.filter((s) => s.key === "edit")).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(model.get("edit")).toEqual({ path: "model_details.summary", value: "Ranks credit applications." });
    expect(model.sets.filter((s) => s.key === "edit")).toHaveLength(1);
    expect(model.saveCount).toBe(1);

    type(area, "Ranks credit applications for review.");
    area.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
    expect(model.get("edit")).toEqual({
      path: "model_details.summary",
      value: "Ranks credit applications for review.",
    });
    vi.advanceTimersByTime(EDIT_DELAY_MS);
    expect(model.sets.filter((s) => s.key === "edit")).toHaveLength(2);
  });

  it("updates the meter, missing list and conflict message when Python changes them", () => {
    const { el, model } = mount();

    model.set("completeness", 0.5);
    model.set("missing", []);
    model.set("status", { saved_at: "", message: "card.json changed on disk", conflict: true });

    expect(query(el, ".fw-completeness").dataset.value).toBe("0.5");
    expect(el.querySelectorAll("li[data-missing]")).toHaveLength(0);
    const status = query(el, ".fw-save-status");
    expect(status.dataset.conflict).toBe("true");
    expect(status.textContent).toBe("card.json changed on disk");
  });

  it("takes Python's text for fields the user is not typing in", () => {
    vi.useFakeTimers();
    const { el, model } = mount();
    const summary = query<HTMLTextAreaElement>(el, 'textarea[data-path="model_details.summary"]');
    type(summary, "typing");

    const next = state().sections;
    next[0]!.fields[0]!.value = "from Python";
    next[0]!.fields[1]!.value = "*reloaded*";
    model.set("sections", next);

    expect(summary.value).toBe("typing");
    expect(query(el, '.fw-preview[data-path="model_details.description"] em').textContent).toBe("reloaded");
  });
});

describe("ModelCardEditor markdown preview", () => {
  it("renders the subset", () => {
    expect(markdownToHtml("a **b** *c* `d`\n\n- x\n- [y](https://example.org)")).toBe(
      '<p>a <strong>b</strong> <em>c</em> <code>d</code></p><ul><li>x</li><li><a href="https://example.org">y</a></li></ul>',
    );
  });

  it("shows hostile text as text: no script, no image, no event handler", () => {
    vi.useFakeTimers();
    const alert = vi.fn();
    vi.stubGlobal("alert", alert);
    const { el } = mount();
    const area = query<HTMLTextAreaElement>(el, 'textarea[data-path="model_details.description"]');

    type(area, HOSTILE);
    const preview = query(el, '.fw-preview[data-path="model_details.description"]');
    expectInert(preview);
    expect(preview.textContent).toContain("<img src=x onerror=alert(1)>");
    expect(preview.textContent).toContain("<script>alert(2)</script>");
    vi.runAllTimers();
    expect(alert).not.toHaveBeenCalled();
    vi.unstubAllGlobals();
  });

  it("drops javascript: links and raw HTML even if it reaches the sanitiser", () => {
    const holder = document.createElement("div");
    holder.append(renderMarkdown("[click](javascript:alert(1)) <a href='javascript:alert(1)'>x</a>"));
    expect(holder.querySelector("a")).toBeNull();
    expectInert(holder);
  });
});

describe("ModelCardEditor cleanup", () => {
  it("removes every model and DOM listener it added, and flushes a pending edit", () => {
    vi.useFakeTimers();
    const recorder = recordDomListeners();
    const { el, model, cleanup } = mount();
    type(query<HTMLTextAreaElement>(el, 'textarea[data-path="model_details.summary"]'), "last words");

    cleanup();

    expect(recorder.stop()).toEqual([]);
    expect(model.liveListeners).toHaveLength(0);
    expect(model.get("edit")).toEqual({ path: "model_details.summary", value: "last words" });
    expect(el.querySelector(".fw-card-editor")).toBeNull();
  });
});
