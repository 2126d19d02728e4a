import { describe, expect, it } from "vitest";
import {
  CHAR_WIDTH,
  LINE_HEIGHT,
  placeLabels,
  type LabelRequest,
  type PlacedLabel,
} from "../src/tradeoff/label_layout";

const BOUNDS = { left: 0, right: 640, top: 0, bottom: 300 };

function box(label: PlacedLabel): { left: number; right: number; top: number; bottom: number } {
  const half = (label.text.length * CHAR_WIDTH) / 2;
  return { left: label.x - half, right: label.x + half, top: label.y + 3 - LINE_HEIGHT, bottom: label.y + 3 };
}

function overlap(a: PlacedLabel, b: PlacedLabel): boolean {
  const p = box(a);
  const q = box(b);
  return p.left < q.right && q.left < p.right && p.top < q.bottom && q.top < p.bottom;
}

describe("frontier chart labels", () => {
  it("centres a label on its mark, above or below it, without a leader", () => {
    const [above, below] = placeLabels(
      [
        { x: 300, y: 100, text: "single threshold", side: "above" },
        { x: 100, y: 200, text: "Baseline", side: "below" },
      ],
      BOUNDS,
    );
    expect(above?.x).toBe(300);
    expect(above?.y).toBeLessThan(100);
    expect(above?.leader).toBeNull();
    expect(below?.x).toBe(100);
    expect(below?.y).toBeGreaterThan(200);
    expect(below?.leader).toBeNull();
  });

  it("moves a label that would cover another one out of its way, with a leader to its mark", () => {
    const requests: LabelRequest[] = [
      { x: 400, y: 50, text: "single threshold", side: "above" },
      { x: 410, y: 52, text: "unconstrained", side: "above" },
      { x: 405, y: 52, text: "Baseline", side: "below" },
      { x: 420, y: 54, text: "ThresholdOptimizer (DP)", side: "below" },
    ];
    const placed = placeLabels(requests, BOUNDS);
    for (let i = 0; i < placed.length; i += 1) {
      for (let j = i + 1; j < placed.length; j += 1) {
        expect(overlap(placed[i] as PlacedLabel, placed[j] as PlacedLabel)).toBe(false);
      }
    }
    expect(placed[0]?.leader).toBeNull();
    const moved = placed[1] as PlacedLabel;
    expect(moved.y).toBeLessThan((placed[0] as PlacedLabel).y);
    expect(moved.leader).toMatchObject({ x1: 410, x2: moved.x });
    expect(placed[3]?.leader).not.toBeNull();
  });

  it("keeps labels inside the chart at its edges", () => {
    const [right, left, top] = placeLabels(
      [
        { x: 638, y: 150, text: "unconstrained", side: "above" },
        { x: 1, y: 150, text: "GridSearch (DP)", side: "below" },
        { x: 300, y: 2, text: "single threshold", side: "above" },
      ],
      BOUNDS,
    );
    expect(box(right as PlacedLabel).right).toBeLessThanOrEqual(640);
    expect(box(left as PlacedLabel).left).toBeGreaterThanOrEqual(0);
    expect(box(top as PlacedLabel).top).toBeGreaterThanOrEqual(0);
  });
});
