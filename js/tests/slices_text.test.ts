import { afterEach, describe, expect, it, vi } from "vitest";
import { debounce } from "../src/shared/debounce";
import { dataValue, formatDifference, formatDifferenceInterval, formatProbability } from "../src/shared/format";
import { SVG_NS, svgElement } from "../src/shared/svg";
import { currentMetric, describeSlice, fewLabel, isRate, orderLabel, probabilityClause } from "../src/slices/text";
import { slices } from "./slices_fixtures";

afterEach(() => {
  vi.useRealTimers();
});

describe("formatting differences and probabilities (shared)", () => {
  it("writes a difference of rates in signed percentage points, of counts as a signed integer", () => {
    expect(formatDifference(0.19, true)).toBe("+19.0 pp");
    expect(formatDifference(-0.0123, true)).toBe("−1.2 pp");
    expect(formatDifference(0.0001, true)).toBe("0.0 pp");
    expect(formatDifference(-1234, false)).toBe("−1,234");
    expect(formatDifference(0.2, false)).toBe("0");
    expect(formatDifference(null, true)).toBe("—");
    expect(formatDifference(Number.NaN, true)).toBe("—");
  });

  it("writes the interval of a difference, or nothing when it is undefined", () => {
    expect(formatDifferenceInterval(-0.01, 0.09, true)).toBe("[−1.0, +9.0] pp");
    expect(formatDifferenceInterval(-3, 5, false)).toBe("[−3, +5]");
    expect(formatDifferenceInterval(null, 0.1, true)).toBe("");
  });

  it("writes p- and q-values with two significant digits, tiny ones as < 0.0001", () => {
    expect(formatProbability(0.0031)).toBe("0.0031");
    expect(formatProbability(0.12345)).toBe("0.12");
    expect(formatProbability(1)).toBe("1");
    expect(formatProbability(2e-8)).toBe("< 0.0001");
    expect(formatProbability(null)).toBe("—");
  });

  it("keeps full precision in data-values, empty when undefined", () => {
    expect(dataValue(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(dataValue(null)).toBe("");
    expect(dataValue(Number.POSITIVE_INFINITY)).toBe("");
  });
});

describe("debounce (shared)", () => {
  it("runs once, the wait after the last call; flush runs now, cancel drops", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const run = vi.fn();
    const waiting = debounce(run, 300);

    waiting.call();
    vi.advanceTimersByTime(200);
    waiting.call();
    vi.advanceTimersByTime(299);
    expect(run).not.toHaveBeenCalled();
    expect(waiting.pending).toBe(true);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(1);
    expect(waiting.pending).toBe(false);

    waiting.call();
    waiting.flush();
    expect(run).toHaveBeenCalledTimes(2);
    waiting.flush(); // nothing waiting
    expect(run).toHaveBeenCalledTimes(2);

    waiting.call();
    waiting.cancel();
    vi.advanceTimersByTime(1000);
    expect(run).toHaveBeenCalledTimes(2);
  });
});

describe("svgElement (shared)", () => {
  it("creates an element in the SVG namespace with its attributes, under its parent", () => {
    const svg = svgElement("svg");
    const line = svgElement("line", { x1: 0, x2: 10, class: "fw-a" }, svg);
    expect(line.namespaceURI).toBe(SVG_NS);
    expect(line.parentNode).toBe(svg);
    expect([line.getAttribute("x2"), line.getAttribute("class")]).toEqual(["10", "fw-a"]);
  });
});

describe("SliceExplorer text", () => {
  it("treats every metric but count as a rate unless Python says otherwise", () => {
    expect(isRate("accuracy")).toBe(true);
    expect(isRate("count")).toBe(false);
    expect(isRate("count", { is_rate: true })).toBe(true);
    expect(isRate("accuracy", { is_rate: false })).toBe(false);
  });

  it("finds the current metric, or the first, or a bare one", () => {
    const options = [
      { key: "a", label: "A" },
      { key: "b", label: "B" },
    ];
    expect(currentMetric(options, "b").label).toBe("B");
    expect(currentMetric(options, "z").label).toBe("A");
    expect(currentMetric([], "z")).toEqual({ key: "z", label: "z" });
  });

  it("writes p- and q-values as clauses", () => {
    expect(probabilityClause("q", 0.031)).toBe("q = 0.031");
    expect(probabilityClause("p", 1e-9)).toBe("p < 0.0001");
    expect(probabilityClause("q", null)).toBe("q = —");
  });

  it("names orders and flags small slices", () => {
    expect(orderLabel(1)).toBe("1 feature");
    expect(orderLabel(3)).toBe("3 features");
    expect(fewLabel(12)).toBe("(n=12)");
    expect(fewLabel(30)).toBe("");
  });

  it("describes a slice with every number it shows", () => {
    const [first] = slices();
    expect(first).toBeDefined();
    expect(describeSlice(first!, { key: "accuracy", label: "Accuracy" }, 0.05).split("\n")).toEqual([
      "sex = Female ∧ age ∈ [45, 60)",
      "Accuracy: 62.0% in the slice, 81.0% in the rest",
      "Effect (how much worse): +19.0 pp [+16.0, +22.0] pp (95% CI)",
      "p < 0.0001, q < 0.0001: significant at FDR 0.05",
      "1,210 people; 2 features",
    ]);
  });
});
