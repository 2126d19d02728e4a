import { format } from "d3-format";

const percent = format(".1%");
const integer = format(",d");

/** A rate as a percentage, a count as an integer; `null` (undefined rate) as an em dash. */
export function formatValue(value: number | null | undefined, isRate: boolean): string {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return "—";
  }
  return isRate ? percent(value) : integer(value);
}

/** "[41.0%, 44.2%]" for an interval, or "" when it is undefined. */
export function formatInterval(low: number | null | undefined, high: number | null | undefined): string {
  if (low === null || low === undefined || high === null || high === undefined) {
    return "";
  }
  return `[${percent(low)}, ${percent(high)}]`;
}

const points = format("+.1f");
const signedInteger = format("+,d");
const probability = format(".2~g");

/** A difference of rates in percentage points ("+12.3 pp"), of counts as a signed integer. */
export function formatDifference(value: number | null | undefined, isRate: boolean): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return "—";
  }
  // "+0.0 pp" would suggest a direction the number does not have.
  if (isRate) {
    return Math.abs(value) < 0.0005 ? "0.0 pp" : `${points(value * 100)} pp`;
  }
  return Math.round(value) === 0 ? "0" : signedInteger(Math.round(value));
}

/** "[−1.2, +8.0] pp" for the interval of a difference of rates, "" when it is undefined. */
export function formatDifferenceInterval(
  low: number | null | undefined,
  high: number | null | undefined,
  isRate: boolean,
): string {
  if (low === null || low === undefined || high === null || high === undefined) {
    return "";
  }
  const ends = [low, high].map((end) => formatDifference(end, isRate).replace(" pp", ""));
  return `[${ends.join(", ")}]${isRate ? " pp" : ""}`;
}

/** A p- or q-value with two significant digits; "< 0.0001" below that. */
export function formatProbability(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return "—";
  }
  return value < 1e-4 ? "< 0.0001" : probability(value);
}

/** The `data-value` of a number: full precision (round-trips), "" when undefined. */
export function dataValue(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? "" : String(value);
}
