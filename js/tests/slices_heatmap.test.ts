import { afterEach, describe, expect, it, vi } from "vitest";
import { colourDomain, describeCell, divergingColour, HIGH_COLOUR, LOW_COLOUR } from "../src/slices/heatmap";
import { choose, click, press, query } from "./dom_events";
import { unmountAll } from "./mount";
import { S_FEMALE_BLACK, heatmap } from "./slices_fixtures";
import { control, mount } from "./slices_helpers";

afterEach(() => {
  unmountAll();
  vi.restoreAllMocks();
});

const cells = (el: HTMLElement): SVGRectElement[] =>
  Array.from(el.querySelectorAll<SVGRectElement>("svg.fw-heatmap rect[data-row][data-col]"));
const cellAt = (el: HTMLElement, row: string, col: string): SVGRectElement =>
  query<SVGRectElement>(el, `svg.fw-heatmap rect[data-row="${row}"][data-col="${col}"]`);
const rgb = (hex: string): string =>
  `rgb(${[1, 3, 5].map((start) => Number.parseInt(hex.slice(start, start + 2), 16)).join(", ")})`;

describe("SliceExplorer heat map", () => {
  it("draws one cell per pair of levels, carrying the value, in an svg", () => {
    const { el } = mount();

    const svg = query<SVGSVGElement>(el, "svg.fw-heatmap");
    expect(svg.namespaceURI).toBe("http://www.w3.org/2000/svg");
    expect(cells(el)).toHaveLength(6);
    expect(cells(el).map((cell) => [cell.dataset["row"], cell.dataset["col"], cell.dataset["value"]])).toEqual([
      ["Female", "White", "0.79"],
      ["Female", "Black", "0.76"],
      ["Female", "Other", ""],
      ["Male", "White", "0.81"],
      ["Male", "Black", "0.68"],
      ["Male", "Other", "0.5"],
    ]);
    expect(cellAt(el, "Male", "Other").dataset["size"]).toBe("12");
    expect(query(el, ".fw-heatmap-title").textContent).toBe("Accuracy by sex × race");
    expect(svg.getAttribute("aria-label")).toBe("Accuracy by sex (rows) and race (columns)");
  });

  it("gives every cell a title with its value and n, and labels rows and columns", () => {
    const { el } = mount();

    expect(query(cellAt(el, "Female", "Black"), "title").textContent).toBe(
      "sex = Female ∧ race = Black\nAccuracy: 76.0% (reference 80.0%)\nn = 1,555",
    );
    expect(query(cellAt(el, "Female", "Other"), "title").textContent).toContain("Accuracy: —\nn = 0");
    expect(cellAt(el, "Male", "White").getAttribute("aria-label")).toContain("n = 19,174");
    const texts = Array.from(el.querySelectorAll("svg.fw-heatmap text"), (text) => text.textContent);
    expect(texts).toEqual(expect.arrayContaining(["Female", "Male", "White", "Black", "Other", "sex", "race"]));
    expect(texts).toEqual(expect.arrayContaining(["76.0%", "—"]));
  });

  it("dims and hatches cells of fewer than 30 people, and greys empty ones", () => {
    const { el } = mount();

    const small = cellAt(el, "Male", "Other").parentElement;
    expect(small?.classList.contains("fw-small")).toBe(true);
    expect(small?.querySelector(".fw-cell-hatch")).not.toBeNull();
    expect(query(cellAt(el, "Male", "Other"), "title").textContent).toContain("Fewer than 30 people");
    const big = cellAt(el, "Male", "White").parentElement;
    expect(big?.classList.contains("fw-small")).toBe(false);
    expect(big?.querySelector(".fw-cell-hatch")).toBeNull();
    expect(cellAt(el, "Female", "Other").parentElement?.classList.contains("fw-empty")).toBe(true);
    expect(el.querySelectorAll("svg.fw-heatmap .fw-cell-hatch")).toHaveLength(1);
  });

  it("colours on a diverging scale centred on the reference value", () => {
    const { el, model } = mount();
    // The farthest cell from 0.8 is 0.5: the low end of the scale; 0.81 is almost neutral.
    expect(cellAt(el, "Male", "Other").getAttribute("fill")).toBe(rgb(LOW_COLOUR));
    expect(cellAt(el, "Male", "White").getAttribute("fill")).not.toBe(rgb(LOW_COLOUR));

    model.set("heatmap", {
      ...heatmap(),
      values: [
        [0.8, 1.1, null],
        [0.81, 0.68, 0.5],
      ],
    });
    expect(cellAt(el, "Female", "White").getAttribute("fill")).toBe("rgb(247, 247, 247)");
    expect(cellAt(el, "Female", "Black").getAttribute("fill")).toBe(rgb(HIGH_COLOUR));
  });

  it("divergingColour: white at the centre, the ends at one spread away, clamped beyond", () => {
    expect(divergingColour(0.8, 0.8, 0.2)).toBe("rgb(247, 247, 247)");
    expect(divergingColour(0.6, 0.8, 0.2)).toBe(rgb(LOW_COLOUR));
    expect(divergingColour(0.1, 0.8, 0.2)).toBe(rgb(LOW_COLOUR));
    expect(divergingColour(1.2, 0.8, 0.2)).toBe(rgb(HIGH_COLOUR));
    // Halfway to orange (#e66101): each channel halfway from 247.
    expect(divergingColour(0.9, 0.8, 0.2)).toBe(
      `rgb(${Math.round(247 + (230 - 247) / 2)}, ${Math.round(247 + (97 - 247) / 2)}, ${Math.round(247 + (1 - 247) / 2)})`,
    );
  });

  it("colourDomain: centre on rest_value, else on the mean; half-width the largest gap", () => {
    expect(colourDomain(heatmap())[0]).toBe(0.8);
    expect(colourDomain(heatmap())[1]).toBeCloseTo(0.3, 12);
    const mean = colourDomain({ ...heatmap(), rest_value: null });
    expect(mean[0]).toBeCloseTo((0.79 + 0.76 + 0.81 + 0.68 + 0.5) / 5, 12);
    expect(colourDomain({ ...heatmap(), values: [[0.8]], rows: ["a"], cols: ["b"] })[1]).toBeGreaterThan(0);
    expect(describeCell(heatmap(), "Male", "Other", 0.5, 12, { metricLabel: "Accuracy", isRate: true })).toContain(
      "Fewer than 30 people",
    );
  });

  it("the selects offer the heatmap features and write heat_rows / heat_cols", () => {
    const { el, model } = mount();
    const rows = control<HTMLSelectElement>(el, "select.fw-heat-rows-select");
    const cols = control<HTMLSelectElement>(el, "select.fw-heat-cols-select");
    expect(Array.from(rows.options, (option) => option.value)).toEqual(["sex", "race", "age", "education"]);
    expect([rows.value, cols.value]).toEqual(["sex", "race"]);

    choose(cols, "age");

    expect(model.sets).toEqual([{ key: "heat_cols", value: "age" }]);
    expect(model.saveCount).toBe(1);
    // Until Python answers, the old map stays, marked as waiting.
    expect(query(el, ".fw-heatmap-status").textContent).toBe("Loading the new cross…");
    expect(query(el, ".fw-heatmap-section").getAttribute("aria-busy")).toBe("true");
    expect(cells(el)).toHaveLength(6);

    model.set("heatmap", {
      row_feature: "sex",
      col_feature: "age",
      rows: ["Female", "Male"],
      cols: ["[17, 28)", "[28, 45)", "[45, 60)", "[60, 90)"],
      values: [
        [0.9, 0.8, 0.62, 0.7],
        [0.88, 0.79, 0.7, 0.75],
      ],
      sizes: [
        [3000, 4000, 1210, 500],
        [5000, 9000, 25, 1200],
      ],
      rest_value: 0.8,
    });
    expect(cells(el)).toHaveLength(8);
    expect(query(el, ".fw-heatmap-section").getAttribute("aria-busy")).toBe("false");
    expect(query(el, ".fw-heatmap-title").textContent).toBe("Accuracy by sex × age");
  });

  it("choosing for rows the feature of the columns swaps the two", () => {
    const { el, model } = mount();

    choose(control<HTMLSelectElement>(el, "select.fw-heat-rows-select"), "race");

    expect(model.sets).toEqual([
      { key: "heat_rows", value: "race" },
      { key: "heat_cols", value: "sex" },
    ]);
    expect(model.saveCount).toBe(1);
    expect(control<HTMLSelectElement>(el, "select.fw-heat-cols-select").value).toBe("sex");
  });

  it("a cell of a listed two-feature slice selects it on click or Enter", () => {
    const { el, model } = mount();

    const cell = cellAt(el, "Female", "Black");
    expect(cell.dataset["slice"]).toBe(S_FEMALE_BLACK);
    expect(cell.getAttribute("tabindex")).toBe("0");
    expect(cellAt(el, "Male", "White").hasAttribute("data-slice")).toBe(false);

    press(cell, "Enter");
    expect(model.sets).toEqual([{ key: "selected", value: S_FEMALE_BLACK }]);
    expect(cell.parentElement?.classList.contains("fw-selected")).toBe(true);
    expect(query(el, ".fw-drilldown").dataset["slice"]).toBe(S_FEMALE_BLACK);

    model.set("selected", "");
    expect(cell.parentElement?.classList.contains("fw-selected")).toBe(false);
    click(cell);
    expect(model.get("selected")).toBe(S_FEMALE_BLACK);
  });

  it("takes {} from Python (no cross) without waiting, and shows Python's message for a cross it cannot draw", () => {
    const { el, model } = mount({ heatmap: {}, heat_rows: "", heat_cols: "", heatmap_features: [] });
    expect(cells(el)).toHaveLength(0);
    expect(query(el, "svg.fw-heatmap .fw-heatmap-empty").textContent).toBe("No cross of two features to show.");
    expect(query(el, ".fw-heatmap-section").getAttribute("aria-busy")).toBe("false");

    const message = "The slices of sex × education were not counted.";
    model.set("heat_rows", "sex");
    model.set("heat_cols", "education");
    model.set("heatmap", { row_feature: "sex", col_feature: "education", message });
    expect(query(el, "svg.fw-heatmap .fw-heatmap-empty").textContent).toBe(message);
    expect(query(el, ".fw-heatmap-status").textContent).toBe(message);
    expect(query(el, ".fw-heatmap-section").getAttribute("aria-busy")).toBe("false");
  });

  it("says so when there is no cross to show", () => {
    const { el } = mount({ heatmap: { ...heatmap(), rows: [], values: [], sizes: [] } });
    expect(cells(el)).toHaveLength(0);
    expect(query(el, "svg.fw-heatmap .fw-heatmap-empty").textContent).toBe("No cross of two features to show.");
  });
});
