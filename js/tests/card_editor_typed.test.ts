import { afterEach, describe, expect, it, vi } from "vitest";
import cardEditor, { EDIT_DELAY_MS } from "../src/card_editor/index";
import { checkRows, parseNumber } from "../src/card_editor/fields";
import type { CardEditorModel, CardSection } from "../src/card_editor/model";
import { click, query } from "./dom_events";
import { FakeModel } from "./fake_model";
import { mountView, unmountAll } from "./mount";

afterEach(() => {
  unmountAll();
  vi.useRealTimers();
});

function sections(): CardSection[] {
  return [
    {
      key: "training",
      title: "Training",
      fields: [
        {
          path: "training.compute.co2_kg",
          label: "Compute: CO2 emitted (kg)",
          kind: "number",
          value: null,
          min: 0,
          source: "human",
        },
        {
          path: "model_details.artifact.size_bytes",
          label: "Artifact size (bytes)",
          kind: "integer",
          value: 10,
          source: "human",
        },
        {
          path: "training.hyperparameters",
          label: "Hyperparameters",
          kind: "keyvalue",
          value: [["max_depth", "6"]],
          source: "human",
        },
      ],
    },
    {
      key: "metrics[0]",
      title: "Metric: accuracy",
      fields: [
        {
          path: "metrics[0].higher_is_better",
          label: "Higher is better",
          kind: "checkbox",
          value: null,
          source: "human",
        },
        { path: "metrics[0].rationale", label: "Why this metric", kind: "markdown", value: "", source: "human" },
      ],
    },
  ];
}

function mount() {
  const state: CardEditorModel = {
    sections: sections(),
    profile: "nist-ai-rmf",
    missing: [],
    completeness: 0.5,
    edit: {},
    status: { saved_at: "", message: "", conflict: false },
  };
  return mountView(cardEditor.render, new FakeModel(state));
}

function enter(input: HTMLInputElement, text: string): void {
  input.value = text;
  input.dispatchEvent(new Event("input", { bubbles: true }));
}

const edits = (model: FakeModel<CardEditorModel>) => model.sets.filter((s) => s.key === "edit");

describe("ModelCardEditor number boxes", () => {
  it("refuses a bad number with a message naming the field, keeps the text, sends nothing", () => {
    vi.useFakeTimers();
    const { el, model } = mount();
    const box = query<HTMLInputElement>(el, 'input[data-path="training.compute.co2_kg"]');

    enter(box, "12,5 t");
    vi.advanceTimersByTime(EDIT_DELAY_MS * 2);
    box.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));

    const message = query(el, '.fw-field-error[data-path="training.compute.co2_kg"]');
    expect(message.hidden).toBe(false);
    expect(message.textContent).toBe(
      'Compute: CO2 emitted (kg) must be a number, e.g. 12.5; got "12,5 t". It was not saved.',
    );
    expect(box.getAttribute("aria-invalid")).toBe("true");
    expect(edits(model)).toHaveLength(0);

    // Python republishes (another field changed): what the user typed is not replaced.
    model.set(
      "sections",
      sections().map((s) => ({ ...s, title: s.title })),
    );
    model.set("completeness", 0.6);
    const next = sections();
    next[0]!.fields[1]!.value = 11;
    model.set("sections", next);
    expect(box.value).toBe("12,5 t");

    enter(box, "12.5");
    expect(message.hidden).toBe(true);
    expect(box.hasAttribute("aria-invalid")).toBe(false);
    vi.advanceTimersByTime(EDIT_DELAY_MS);
    expect(model.get("edit")).toEqual({ path: "training.compute.co2_kg", value: 12.5 });

    enter(box, "");
    vi.advanceTimersByTime(EDIT_DELAY_MS);
    expect(model.get("edit")).toEqual({ path: "training.compute.co2_kg", value: null });
  });

  it("refuses negative amounts and fractions of a whole number", () => {
    vi.useFakeTimers();
    const { el, model } = mount();
    enter(query<HTMLInputElement>(el, 'input[data-path="training.compute.co2_kg"]'), "-3");
    enter(query<HTMLInputElement>(el, 'input[data-path="model_details.artifact.size_bytes"]'), "2.5");
    vi.advanceTimersByTime(EDIT_DELAY_MS);
    expect(query(el, '.fw-field-error[data-path="training.compute.co2_kg"]').textContent).toContain(
      "must be 0 or more",
    );
    expect(query(el, '.fw-field-error[data-path="model_details.artifact.size_bytes"]').textContent).toContain(
      "must be a whole number",
    );
    expect(edits(model)).toHaveLength(0);
  });

  it("takes Python's number when the user is not editing the box", () => {
    const { el, model } = mount();
    const next = sections();
    next[0]!.fields[1]!.value = 2048;
    model.set("sections", next);
    expect(query<HTMLInputElement>(el, 'input[data-path="model_details.artifact.size_bytes"]').value).toBe("2048");
  });
});

describe("ModelCardEditor check boxes and tables", () => {
  it("shows an unset flag as neither, and writes a tick at once", () => {
    const { el, model } = mount();
    const box = query<HTMLInputElement>(el, 'input[data-path="metrics[0].higher_is_better"]');
    expect(box.type).toBe("checkbox");
    expect(box.indeterminate).toBe(true);

    box.checked = true;
    box.dispatchEvent(new Event("change", { bubbles: true }));
    expect(model.get("edit")).toEqual({ path: "metrics[0].higher_is_better", value: true });
    expect(model.saveCount).toBe(1);
  });

  it("edits name/value rows, refuses a repeated name, adds and removes rows", () => {
    vi.useFakeTimers();
    const { el, model } = mount();
    const table = query(el, '.fw-keyvalue[data-path="training.hyperparameters"]');
    expect(query<HTMLInputElement>(table, ".fw-kv-key").value).toBe("max_depth");

    click(query(table, ".fw-kv-add"));
    const [, added] = table.querySelectorAll<HTMLElement>(".fw-kv-row");
    enter(query<HTMLInputElement>(added!, ".fw-kv-key"), "max_depth");
    enter(query<HTMLInputElement>(added!, ".fw-kv-value"), "8");
    vi.advanceTimersByTime(EDIT_DELAY_MS);
    expect(query(el, '.fw-field-error[data-path="training.hyperparameters"]').textContent).toBe(
      'Hyperparameters: the name "max_depth" appears twice; names must differ. It was not saved.',
    );
    expect(edits(model)).toHaveLength(0);

    enter(query<HTMLInputElement>(added!, ".fw-kv-key"), "learning_rate");
    vi.advanceTimersByTime(EDIT_DELAY_MS);
    expect(model.get("edit")).toEqual({
      path: "training.hyperparameters",
      value: [
        ["max_depth", "6"],
        ["learning_rate", "8"],
      ],
    });

    click(query(table, ".fw-kv-remove"));
    vi.advanceTimersByTime(EDIT_DELAY_MS);
    expect(model.get("edit")).toEqual({ path: "training.hyperparameters", value: [["learning_rate", "8"]] });
  });
});

describe("ModelCardEditor value checks", () => {
  it("reads numbers strictly", () => {
    const field = { label: "Hours", kind: "number" as const };
    expect(parseNumber(" 1e3 ", field)).toEqual({ ok: true, value: 1000 });
    expect(parseNumber("", field)).toEqual({ ok: true, value: null });
    for (const bad of ["1.2.3", "12 kg", "Infinity", "0x10", "1e999"]) {
      expect(parseNumber(bad, field).ok).toBe(false);
    }
  });

  it("drops blank rows and needs a name for every value", () => {
    expect(
      checkRows("T", [
        ["a", "1"],
        ["", ""],
      ]),
    ).toEqual({ ok: true, value: [["a", "1"]] });
    expect(checkRows("T", [["", "1"]])).toEqual({
      ok: false,
      error: 'T: the value "1" has no name; give it one. It was not saved.',
    });
  });
});
