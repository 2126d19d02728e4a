import { afterEach, describe, expect, it, vi } from "vitest";
import cardEditor, { EDIT_DELAY_MS } from "../src/card_editor/index";
import type { CardEditorModel, CardSection } from "../src/card_editor/model";
import { query } from "./dom_events";
import { FakeModel } from "./fake_model";
import { mountView, unmountAll } from "./mount";

afterEach(() => {
  unmountAll();
  vi.useRealTimers();
});

const FINDING = "quantitative_analysis.fairness.slice_findings[0]";
const STATUSES = ["open", "accepted", "mitigated"];

function sections(status = "open"): CardSection[] {
  return [
    {
      key: FINDING,
      title: "Slice finding: age=<25 (recall, gap -0.2, q = 0.01, n = 80)",
      fields: [
        {
          path: `${FINDING}.status`,
          label: "Status",
          kind: "choice",
          value: status,
          options: STATUSES,
          source: "human",
        },
        { path: `${FINDING}.annotation`, label: "Note", kind: "markdown", value: "", source: "human" },
      ],
    },
    {
      key: "fairness_criteria",
      title: "Fairness criteria",
      fields: [
        {
          path: "quantitative_analysis.fairness.criteria",
          label: "Criteria",
          kind: "text",
          value: "di | disparate impact | >= | 0.8 | yes",
          source: "human",
        },
      ],
    },
  ];
}

function mount(status = "open") {
  const state: CardEditorModel = {
    sections: sections(status),
    profile: "minimal",
    missing: [],
    completeness: 0.5,
    edit: {},
    status: { saved_at: "", message: "", conflict: false, refused: "" },
  };
  return mountView(cardEditor.render, new FakeModel(state));
}

const edits = (model: FakeModel<CardEditorModel>) => model.sets.filter((s) => s.key === "edit");

describe("ModelCardEditor slice findings", () => {
  it("offers a finding's status from the fixed list and writes a choice at once", () => {
    const { el, model } = mount();
    const select = query<HTMLSelectElement>(el, `select[data-path="${FINDING}.status"]`);
    expect([...select.options].map((o) => o.value)).toEqual(STATUSES);
    expect(select.value).toBe("open");

    select.value = "mitigated";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    expect(model.get("edit")).toEqual({ path: `${FINDING}.status`, value: "mitigated" });
    expect(model.saveCount).toBe(1);
  });

  it("writes a finding's note after a pause, with a sanitised preview", () => {
    vi.useFakeTimers();
    const { el, model } = mount();
    const note = query<HTMLTextAreaElement>(el, `textarea[data-path="${FINDING}.annotation"]`);
    note.value = "Thin files <img src=x onerror=alert(1)>";
    note.dispatchEvent(new Event("input", { bubbles: true }));
    expect(edits(model)).toHaveLength(0);
    vi.advanceTimersByTime(EDIT_DELAY_MS);
    expect(model.get("edit")).toEqual({
      path: `${FINDING}.annotation`,
      value: "Thin files <img src=x onerror=alert(1)>",
    });
    const preview = query(el, `.fw-preview[data-path="${FINDING}.annotation"]`);
    expect(preview.querySelector("img")).toBeNull();
    expect(preview.textContent).toContain("<img src=x onerror=alert(1)>");
  });

  it("takes Python's status when it changes (a refresh) and shows an old value as it is", () => {
    const { el, model } = mount("accepted risk");
    const select = query<HTMLSelectElement>(el, `select[data-path="${FINDING}.status"]`);
    expect(select.value).toBe("accepted risk");
    expect([...select.options].map((o) => o.value)).toEqual(["accepted risk", ...STATUSES]);

    model.set("sections", sections("accepted"));
    expect(select.value).toBe("accepted");
    expect([...select.options].map((o) => o.value)).toEqual(STATUSES);
  });

  it("does not send a status outside the list", () => {
    const { el, model } = mount("accepted risk");
    const select = query<HTMLSelectElement>(el, `select[data-path="${FINDING}.status"]`);
    select.dispatchEvent(new Event("change", { bubbles: true }));
    expect(edits(model)).toHaveLength(0);
    expect(query(el, `.fw-field-error[data-path="${FINDING}.status"]`).textContent).toBe(
      "Status must be one of open, accepted, mitigated; it was not saved.",
    );
    expect(select.getAttribute("aria-invalid")).toBe("true");
  });
});

describe("ModelCardEditor edits Python refuses", () => {
  it("says why the last edit was not saved, and clears it once one is", () => {
    const { el, model } = mount();
    const status = query(el, ".fw-save-status");
    expect(status.dataset.refused).toBe("false");

    const why = "Criteria, line 1: threshold must be a number, e.g. 12.5; got '0,8'. It was not saved.";
    model.set("status", { saved_at: "", message: "", conflict: false, refused: why });
    expect(status.dataset.refused).toBe("true");
    expect(status.textContent).toBe(`Not saved: ${why}`);

    model.set("status", { saved_at: "2026-12-02T10:00:00+00:00", message: "", conflict: false, refused: "" });
    expect(status.dataset.refused).toBe("false");
    expect(status.textContent).toBe("Saved at 2026-12-02T10:00:00+00:00");
  });
});
