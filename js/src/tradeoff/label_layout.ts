/**
 * Where the frontier chart writes its labels: each one centred on its mark, above or
 * below it, moved further out (with a leader line to the mark) when it would cover a
 * label already placed, and kept inside the chart. SVG text cannot be measured before it
 * is drawn (and not at all outside a browser), so widths are estimated from the length.
 */

export interface LabelRequest {
  /** The mark the label names, in chart pixels. */
  x: number;
  y: number;
  text: string;
  /** Above the mark (reference points) or below it (other libraries' models). */
  side: "above" | "below";
}

export interface PlacedLabel {
  text: string;
  /** The baseline's centre (`text-anchor: middle`). */
  x: number;
  y: number;
  /** A line from the mark to the label when the label had to move away from it. */
  leader: { x1: number; y1: number; x2: number; y2: number } | null;
}

export interface LabelBounds {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Average advance of an 11 px sans-serif character, generous so boxes do not touch. */
export const CHAR_WIDTH = 6.4;
export const LINE_HEIGHT = 13;
/** From the mark's centre to the nearer edge of its label's box. */
const GAP = 7;
/** How many lines a label may move away from its mark before it gives up avoiding. */
const MAX_STEPS = 6;

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function overlaps(a: Box, b: Box): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}

/** Each request's position, in order; later labels move out of earlier ones' way. */
export function placeLabels(requests: readonly LabelRequest[], bounds: LabelBounds): PlacedLabel[] {
  const taken: Box[] = [];
  return requests.map((request) => {
    const half = (request.text.length * CHAR_WIDTH) / 2;
    const centre = clamp(request.x, bounds.left + half, bounds.right - half);
    const direction = request.side === "above" ? -1 : 1;
    const boxAt = (step: number): Box => {
      const near = request.y + direction * (GAP + step * LINE_HEIGHT);
      const far = near + direction * LINE_HEIGHT;
      const top = clamp(Math.min(near, far), bounds.top, bounds.bottom - LINE_HEIGHT);
      return { left: centre - half, right: centre + half, top, bottom: top + LINE_HEIGHT };
    };
    let step = 0;
    while (step < MAX_STEPS && taken.some((box) => overlaps(box, boxAt(step)))) {
      step += 1;
    }
    if (taken.some((box) => overlaps(box, boxAt(step)))) {
      step = 0; // crowded beyond help: stay by the mark
    }
    const box = boxAt(step);
    taken.push(box);
    const baseline = box.bottom - 3;
    const leader =
      step === 0
        ? null
        : {
            x1: request.x,
            y1: request.y + direction * 4,
            x2: centre,
            y2: direction < 0 ? box.bottom : box.top,
          };
    return { text: request.text, x: centre, y: baseline, leader };
  });
}
