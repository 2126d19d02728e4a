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
