import { afterEach, describe, expect, it, vi } from "vitest";
import { NOTE_DELAY_MS } from "../src/slices/index";
import { choose, click, query } from "./dom_events";
import { unmountAll } from "./mount";
import { S_AGE, S_BLACK, S_EDUCATION, drilldown } from "./slices_fixtures";
import { control, mount, row, type } from "./slices_helpers";

afterEach(() => {
  unmountAll();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const panel = (el: HTMLElement): HTMLElement => query(el, ".fw-drilldown");
const metricRows = (el: HTMLElement): string[] =>
  Array.from(
    el.querySelectorAll<HTMLTableRowElement>(".fw-drilldown tr[data-metric]"),
    (one) => one.dataset["metric"] ?? "",
  );
function drillCell(el: HTMLElement, metric: string, column: string): { text: string; value: string | undefined } {
  const found = query(el, `.fw-drilldown tr[data-metric="${metric}"] td[data-column="${column}"]`);
  return { text: found.textContent ?? "", value: found.dataset["value"] };
}
const status = (el: HTMLElement): HTMLSelectElement => control<HTMLSelectElement>(el, ".fw-annotation-status");
const note = (el: HTMLElement): HTMLTextAreaElement => control<HTMLTextAreaElement>(el, ".fw-annotation-note");

describe("SliceExplorer drill-down", () => {
  it("is hidden while no slice is selected", () => {
    const { el } = mount();
    expect(panel(el).hidden).toBe(true);
    expect(panel(el).dataset["slice"]).toBe("");
    expect(metricRows(el)).toEqual([]);
  });

  it("shows the selected slice against the rest, one row per metric, with data-values", () => {
    const { el } = mount({ selected: S_AGE, drilldown: drilldown() });

    const shown = query(el, `.fw-drilldown[data-slice="${S_AGE}"]`);
    expect(shown.hidden).toBe(false);
    expect(shown.getAttribute("aria-busy")).toBe("false");
    expect(query(shown, ".fw-drilldown-slice").textContent).toBe("sex = Female ∧ age ∈ [45, 60)");
    expect(metricRows(el)).toEqual(["accuracy", "true_positive_rate", "count"]);
    expect(drillCell(el, "accuracy", "slice")).toEqual({ text: "62.0%", value: "0.62" });
    expect(drillCell(el, "accuracy", "rest")).toEqual({ text: "81.0%", value: "0.81" });
    expect(drillCell(el, "accuracy", "difference")).toEqual({ text: "−19.0 pp", value: "-0.19" });
    expect(drillCell(el, "accuracy", "ci")).toEqual({ text: "[−22.0, −16.0] pp", value: "-0.22,-0.16" });
    expect(drillCell(el, "accuracy", "slice_n")).toEqual({ text: "1,210", value: "1210" });
    expect(drillCell(el, "accuracy", "rest_n")).toEqual({ text: "31,351", value: "31351" });
    // Counts are counts; an undefined difference is a dash and an empty data-value.
    expect(drillCell(el, "count", "slice")).toEqual({ text: "1,210", value: "1210" });
    expect(drillCell(el, "count", "difference")).toEqual({ text: "—", value: "" });
    expect(drillCell(el, "count", "ci")).toEqual({ text: "", value: "" });
    // The current metric is highlighted; a metric measured on few people is flagged.
    expect(query(el, '.fw-drilldown tr[data-metric="accuracy"]').classList.contains("fw-active")).toBe(true);
    expect(query(el, '.fw-drilldown tr[data-metric="true_positive_rate"] td[data-column="slice_n"]').className).toBe(
      "fw-few",
    );
  });

  it("waits for Python's answer after a new selection, never showing another slice's numbers", () => {
    const { el, model } = mount({ selected: S_AGE, drilldown: drilldown() });

    click(row(el, S_BLACK));

    expect(panel(el).dataset["slice"]).toBe(S_BLACK);
    expect(panel(el).getAttribute("aria-busy")).toBe("true");
    expect(query(el, ".fw-drilldown-status").textContent).toBe("Loading…");
    expect(query(el, ".fw-drilldown-slice").textContent).toBe("race = Black");
    expect(metricRows(el)).toEqual([]);

    model.set("drilldown", drilldown(S_BLACK, "race = Black"));
    expect(query(el, `.fw-drilldown[data-slice="${S_BLACK}"]`).getAttribute("aria-busy")).toBe("false");
    expect(metricRows(el)).toHaveLength(3);
  });

  it("takes {} from Python (nothing drilled into yet) as waiting", () => {
    const { el } = mount({ selected: S_AGE, drilldown: {} });
    expect(panel(el).hidden).toBe(false);
    expect(panel(el).getAttribute("aria-busy")).toBe("true");
    expect(metricRows(el)).toEqual([]);
  });

  it("highlights the new metric's row when the metric changes", () => {
    const { el, model } = mount({ selected: S_AGE, drilldown: drilldown() });
    model.set("metric", "true_positive_rate");
    expect(query(el, ".fw-drilldown tr.fw-active").dataset["metric"]).toBe("true_positive_rate");
  });

  it("Close clears the selection", () => {
    const { el, model } = mount({ selected: S_AGE, drilldown: drilldown() });

    click(query(el, "button.fw-drilldown-close"));

    expect(model.sets).toEqual([{ key: "selected", value: "" }]);
    expect(model.saveCount).toBe(1);
    expect(panel(el).hidden).toBe(true);
  });
});

describe("SliceExplorer annotations", () => {
  it("a status change is written at once, and the list shows a badge", () => {
    const { el, model } = mount({ selected: S_AGE, drilldown: drilldown() });
    expect(status(el).value).toBe("");
    expect(Array.from(status(el).options, (option) => option.value)).toEqual([
      "",
      "open",
      "accepted risk",
      "mitigated",
    ]);

    choose(status(el), "accepted risk");

    expect(model.sets).toEqual([{ key: "annotations", value: { [S_AGE]: { status: "accepted risk", note: "" } } }]);
    expect(model.saveCount).toBe(1);
    const badge = query(row(el, S_AGE), ".fw-status-badge");
    expect(badge.textContent).toBe("accepted risk");
    expect(badge.dataset["status"]).toBe("accepted risk");
    expect(row(el, S_BLACK).querySelector(".fw-status-badge")).toBeNull();
  });

  it("typing a note is saved once, after a pause; a note on an unreviewed slice opens it", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model } = mount({ selected: S_AGE, drilldown: drilldown() });

    for (const text of ["K", "Kn", "Known", "Known gap"]) {
      type(note(el), text);
      vi.advanceTimersByTime(NOTE_DELAY_MS - 50);
    }
    expect(model.sets).toEqual([]);

    vi.advanceTimersByTime(50);
    expect(model.sets).toEqual([{ key: "annotations", value: { [S_AGE]: { status: "open", note: "Known gap" } } }]);
    expect(model.saveCount).toBe(1);
    expect(status(el).value).toBe("open");
    expect(query(row(el, S_AGE), ".fw-status-badge").title).toBe("Review: open. Known gap");
  });

  it("leaving the note saves at once; nothing more when the timer would have fired", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model } = mount({
      selected: S_AGE,
      drilldown: drilldown(),
      annotations: { [S_AGE]: { status: "mitigated", note: "" }, [S_BLACK]: { status: "open", note: "x" } },
    });
    expect(status(el).value).toBe("mitigated");

    type(note(el), "Reweighed");
    note(el).dispatchEvent(new FocusEvent("blur"));

    expect(model.get("annotations")).toEqual({
      [S_AGE]: { status: "mitigated", note: "Reweighed" },
      [S_BLACK]: { status: "open", note: "x" },
    });
    expect(model.saveCount).toBe(1);
    vi.advanceTimersByTime(NOTE_DELAY_MS * 2);
    expect(model.saveCount).toBe(1);
  });

  it("selecting another slice while typing saves the note to the slice it was typed for", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model } = mount({
      selected: S_AGE,
      drilldown: drilldown(),
      annotations: { [S_BLACK]: { status: "accepted risk", note: "Small effect" } },
    });

    type(note(el), "About age");
    click(row(el, S_BLACK));

    expect(model.get("annotations")[S_AGE]).toEqual({ status: "open", note: "About age" });
    expect(note(el).value).toBe("Small effect");
    expect(status(el).value).toBe("accepted risk");
    vi.advanceTimersByTime(NOTE_DELAY_MS);
    expect(model.get("annotations")[S_BLACK]).toEqual({ status: "accepted risk", note: "Small effect" });
  });

  it("no status and no note removes the annotation; nothing to remove writes nothing", () => {
    const { el, model } = mount({
      selected: S_AGE,
      drilldown: drilldown(),
      annotations: { [S_AGE]: { status: "open", note: "" } },
    });

    choose(status(el), "");
    expect(model.get("annotations")).toEqual({});
    expect(row(el, S_AGE).querySelector(".fw-status-badge")).toBeNull();
    expect(model.saveCount).toBe(1);

    choose(status(el), "");
    expect(model.saveCount).toBe(1);
  });

  it("annotations from Python update the controls and badges, but not a note being typed", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { el, model } = mount({ selected: S_AGE, drilldown: drilldown() });

    model.set("annotations", { [S_AGE]: { status: "mitigated", note: "From the card" } });
    expect(status(el).value).toBe("mitigated");
    expect(note(el).value).toBe("From the card");
    expect(query(row(el, S_AGE), ".fw-status-badge").textContent).toBe("mitigated");
    expect(model.saveCount).toBe(0);

    type(note(el), "Typing");
    model.set("annotations", { [S_EDUCATION]: { status: "open", note: "" } });
    expect(note(el).value).toBe("Typing");
    expect(query(row(el, S_EDUCATION), ".fw-status-badge").textContent).toBe("open");

    // The user's edit wins, with the status they see.
    vi.advanceTimersByTime(NOTE_DELAY_MS);
    expect(model.get("annotations")).toEqual({
      [S_AGE]: { status: "mitigated", note: "Typing" },
      [S_EDUCATION]: { status: "open", note: "" },
    });
  });
});
